import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A position drawn at insert time can commit after a higher one, so a reader had to wait for every
  // writer that might still commit a lower one. Drawing it at commit time instead, under a lock held until
  // the commit ends, makes positions commit-ordered: once a position is visible, every lower one is too.
  // The deferred trigger runs when the transaction commits, after its last statement, so the lock is held
  // only for the commit itself. The position is null until then, which only the writing transaction sees.
  await sql`alter table domain_events alter column stream_position drop default`.execute(db);
  await sql`alter table domain_events alter column stream_position drop not null`.execute(db);
  await sql`
    create function domain_events_assign_stream_position() returns trigger
    language plpgsql as $$
    begin
      -- Held until the transaction ends: the next writer draws only after this one is visible.
      perform pg_advisory_xact_lock(7351642039184211);
      update domain_events
        set stream_position = nextval('domain_events_stream_position_seq')
        where id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create constraint trigger domain_events_stream_position
      after insert on domain_events
      deferrable initially deferred
      for each row execute function domain_events_assign_stream_position()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger domain_events_stream_position on domain_events`.execute(db);
  await sql`drop function domain_events_assign_stream_position()`.execute(db);
  await sql`
    alter table domain_events
      alter column stream_position set default nextval('domain_events_stream_position_seq')`.execute(db);
  await sql`alter table domain_events alter column stream_position set not null`.execute(db);
}
