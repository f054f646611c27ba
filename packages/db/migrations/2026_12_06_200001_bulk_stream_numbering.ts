import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A bulk writer may number its events as it inserts them, under the stream lock it then holds until its
  // commit is visible (commit order kept, no row rewritten): such a row arrives with its position already and
  // the commit-time numbering has nothing to do for it. The condition is evaluated when the row is inserted,
  // so those rows queue no deferred firing at all.
  await sql`drop trigger domain_events_stream_position on domain_events`.execute(db);
  await sql`
    create constraint trigger domain_events_stream_position
      after insert on domain_events
      deferrable initially deferred
      for each row when (new.stream_position < 0)
      execute function domain_events_assign_stream_position()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger domain_events_stream_position on domain_events`.execute(db);
  await sql`
    create constraint trigger domain_events_stream_position
      after insert on domain_events
      deferrable initially deferred
      for each row execute function domain_events_assign_stream_position()`.execute(db);
}
