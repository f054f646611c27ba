import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Fan-out reads the commit-ordered stream past a cursor instead of running a job per event. One row per
  // relay; the relay locks it (FOR UPDATE SKIP LOCKED) for the transaction that hands a batch to the
  // consumers and moves it, so the work and the cursor commit together.
  await db.schema
    .createTable('event_relay_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Events that committed but were not dispatched yet are relayed: the cursor starts just before the first
  // of them (or at the end of the stream when there is none).
  await sql`
    insert into event_relay_cursors (name, position)
    select 'dispatch', coalesce(
      (select min(stream_position) - 1 from domain_events where dispatched_at is null and stream_position > 0),
      (select max(stream_position) from domain_events),
      0)`.execute(db);
  // Their queued jobs would do it a second time. The job queue's schema exists once the platform has run.
  await sql`
    do $$ begin
      if to_regclass('graphile_worker._private_jobs') is not null then
        perform graphile_worker.complete_jobs(array(
          select j.id from graphile_worker._private_jobs j
          join graphile_worker._private_tasks t on t.id = j.task_id
          where t.identifier = 'events.dispatch'));
      end if;
    end $$`.execute(db);
  // The cursor says what was dispatched; a per-row mark would rewrite every event row once more.
  await db.schema.alterTable('domain_events').dropColumn('dispatched_at').execute();

  // Numbering at commit, once per transaction instead of once per row. Until its transaction commits a row
  // carries a provisional position, the negation of a draw from its own sequence: negative, so no reader's
  // `stream_position > cursor` matches it, unique, and in insert order (−1 before −2).
  await sql`create sequence domain_events_provisional_seq`.execute(db);
  await sql`
    alter table domain_events
      alter column stream_position set default -nextval('domain_events_provisional_seq')`.execute(db);
  await sql`
    create index domain_events_unnumbered_idx on domain_events (stream_position)
      where stream_position < 0`.execute(db);
  // The deferred trigger still fires once per row, at commit, in insert order (deferred trigger events fire
  // first in, first out). The first firing takes the lock (held until the commit is visible, as before, so
  // positions stay commit-ordered), numbers every row the transaction inserted from this one on in one
  // UPDATE, in insert order, and notes in a transaction-local setting how far it got; the later firings
  // find their row below that mark and return. A row inserted after an earlier numbering (SET CONSTRAINTS
  // … IMMEDIATE mid-transaction) lies beyond the mark and starts another round. A rolled-back savepoint
  // takes its rows, its numbering and its mark back together. The one notification per transaction carries
  // the highest position it committed; listeners only need a wake-up.
  await sql`
    create or replace function domain_events_assign_stream_position() returns trigger
    language plpgsql
    -- A transaction's own rows are a few among many: found through the partial index and updated by primary
    -- key. Left to itself the planner may hash-join the whole table (its statistics lag a growing table).
    set enable_seqscan = off
    set enable_hashjoin = off
    set enable_mergejoin = off
    as $$
    declare
      numbered_upto bigint := coalesce(nullif(current_setting('ipay.stream_numbered_upto', true), ''), '0')::bigint;
      last_position bigint;
    begin
      if -new.stream_position <= numbered_upto then
        return null;
      end if;
      perform pg_advisory_xact_lock(7351642039184211);
      with drawn as materialized (
        select mine.id, -mine.stream_position as provisional,
               nextval('domain_events_stream_position_seq') as position
        from (
          select id, stream_position from domain_events
          where stream_position < 0 and stream_position <= new.stream_position
          order by stream_position desc
        ) mine
      ), numbered as (
        update domain_events e set stream_position = drawn.position
        from drawn where e.id = drawn.id
        returning drawn.provisional, drawn.position
      )
      select max(provisional), max(position) into numbered_upto, last_position from numbered;
      if last_position is null then
        return null;
      end if;
      perform set_config('ipay.stream_numbered_upto', numbered_upto::text, true);
      perform pg_notify('ipay_domain_events', last_position::text);
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function domain_events_assign_stream_position() returns trigger
    language plpgsql as $$
    begin
      perform pg_advisory_xact_lock(7351642039184211);
      update domain_events
        set stream_position = nextval('domain_events_stream_position_seq')
        where id = new.id;
      return null;
    end $$`.execute(db);
  await sql`drop index domain_events_unnumbered_idx`.execute(db);
  await sql`alter table domain_events alter column stream_position drop default`.execute(db);
  await sql`drop sequence domain_events_provisional_seq`.execute(db);
  await db.schema.alterTable('domain_events').addColumn('dispatched_at', 'timestamptz').execute();
  await sql`
    update domain_events set dispatched_at = now()
    where stream_position <= (select position from event_relay_cursors where name = 'dispatch')`.execute(db);
  await db.schema.dropTable('event_relay_cursors').execute();
}
