/**
 * Recording domain events, before and after issue #12's changes to the write path and the stream numbering,
 * measured side by side on one embedded PostgreSQL: transactions per second, four writers at once, each
 * transaction recording one event, then a hundred.
 *
 * - before: the old statements (sequence upsert, event insert, add_jobs of one events.dispatch job per event,
 *   pg_notify per event) and the old commit-time trigger (advisory lock and an UPDATE per row);
 * - one statement, old numbering: today's recordDomainEvents under the old trigger, with its notification per
 *   event (the numbering's share);
 * - after: today's recordDomainEvents and trigger (one UPDATE per transaction, one notification);
 * - after, no numbering: the same with the trigger disabled, what numbering costs at all (not a valid stream).
 *
 * `BENCH_SECONDS` (default 5) per measurement, three runs of each, the median reported.
 */
import { randomUUID } from 'node:crypto';
import { recordDomainEvents } from '@ipay/api';
import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { startBenchDatabase } from './support/local-postgres';
import { median, runBenchmark, writeBenchResults } from './support/report';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WRITERS = 4;
const RUNS = 3;

const OLD_TRIGGER = sql`
  create or replace function domain_events_assign_stream_position() returns trigger
  language plpgsql as $$
  begin
    perform pg_advisory_xact_lock(7351642039184211);
    update domain_events set stream_position = nextval('domain_events_stream_position_seq') where id = new.id;
    return null;
  end $$`;

/** The old trigger with the old notification (one per event), for the new statement, which sends none itself. */
const OLD_TRIGGER_NOTIFYING = sql`
  create or replace function domain_events_assign_stream_position() returns trigger
  language plpgsql as $$
  begin
    perform pg_advisory_xact_lock(7351642039184211);
    update domain_events set stream_position = nextval('domain_events_stream_position_seq') where id = new.id;
    perform pg_notify('ipay_domain_events', new.id::text);
    return null;
  end $$`;

type Variant = 'before' | 'one statement, old numbering' | 'after' | 'after, no numbering (ceiling)';

function events(count: number) {
  return Array.from({ length: count }, () => ({
    type: 'role.created' as const,
    resourceType: 'role',
    resourceId: randomUUID(),
    organizationId: null,
    data: { name: 'Packers', permissions: ['orders:read:organization'] },
  }));
}

/** The write path as it was: four statements per batch, a job and a notification per event. */
async function recordTheOldWay(db: Db, count: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const batch = events(count);
    await sql`
      insert into domain_event_sequences (resource_type, resource_id, last_sequence)
      select 'role', unnest(${batch.map((e) => e.resourceId)}::text[]), 1
      on conflict (resource_type, resource_id)
        do update set last_sequence = domain_event_sequences.last_sequence + excluded.last_sequence
      returning resource_type, resource_id, last_sequence`.execute(trx);
    const { rows } = await sql<{ id: string }>`
      insert into domain_events (type, resource_type, resource_id, sequence, organization_id, payload)
      select e.type, e.resource_type, e.resource_id, 1, null, e.payload
      from jsonb_to_recordset(${JSON.stringify(
        batch.map((e) => ({
          type: e.type,
          resource_type: e.resourceType,
          resource_id: e.resourceId,
          payload: e.data,
        })),
      )}::jsonb) as e(type text, resource_type text, resource_id text, payload jsonb)
      returning id, occurred_at, resource_type, resource_id, sequence`.execute(trx);
    const ids = rows.map((r) => r.id);
    await sql`
      select 1 from graphile_worker.add_jobs(array(
        select json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(
          ids.map((id) => ({
            identifier: 'events.dispatch',
            payload: { eventId: id },
            job_key: `event:${id}`,
          })),
        )}::json)))`.execute(trx);
    await sql`select pg_notify('ipay_domain_events', id) from unnest(${ids}::text[]) as id`.execute(trx);
  });
}

async function setVariant(db: Db, variant: Variant, newTrigger: string): Promise<void> {
  await sql`truncate domain_events, domain_event_sequences cascade`.execute(db);
  await sql`delete from graphile_worker._private_jobs`.execute(db);
  await sql`alter table domain_events enable trigger domain_events_stream_position`.execute(db);
  if (variant === 'after, no numbering (ceiling)') {
    await sql`alter table domain_events disable trigger domain_events_stream_position`.execute(db);
    return;
  }
  if (variant === 'after') {
    await sql.raw(newTrigger).execute(db);
    await sql`alter table domain_events alter column stream_position
              set default -nextval('domain_events_provisional_seq')`.execute(db);
    return;
  }
  // The old schema drew no provisional position.
  if (variant === 'before') {
    await OLD_TRIGGER.execute(db);
    await sql`alter table domain_events alter column stream_position drop default`.execute(db);
  } else {
    await OLD_TRIGGER_NOTIFYING.execute(db);
    await sql`alter table domain_events alter column stream_position
              set default -nextval('domain_events_provisional_seq')`.execute(db);
  }
}

/** Transactions per second of WRITERS concurrent loops, each committing one batch at a time for SECONDS. */
async function measure(db: Db, variant: Variant, count: number): Promise<number> {
  const record =
    variant === 'before'
      ? () => recordTheOldWay(db, count)
      : () => db.transaction().execute((trx) => recordDomainEvents(trx, events(count)));
  const until = Date.now() + SECONDS * 1000;
  let committed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (Date.now() < until) {
        await record();
        committed += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { rows } = await sql<{ unnumbered: string }>`
    select count(*) as unnumbered from domain_events where stream_position is null or stream_position < 0`.execute(
    db,
  );
  if (variant !== 'after, no numbering (ceiling)' && Number(rows[0]?.unnumbered) !== 0)
    throw new Error(`${variant}: committed events left unnumbered`);
  return committed / seconds;
}

await runBenchmark(async () => {
  const database = await startBenchDatabase();
  try {
    const { rows } = await sql<{ definition: string }>`
      select pg_get_functiondef('domain_events_assign_stream_position'::regproc) as definition`.execute(
      database.db,
    );
    const newTrigger = rows[0]?.definition;
    if (!newTrigger) throw new Error('the stream-numbering trigger function is missing');
    const variants: Variant[] = [
      'before',
      'one statement, old numbering',
      'after',
      'after, no numbering (ceiling)',
    ];
    const results: Record<string, Record<string, number[]>> = {};
    for (const count of [1, 100]) {
      const shape = `${count} event${count === 1 ? '' : 's'} per transaction`;
      results[shape] = {};
      for (let run = 0; run < RUNS; run += 1) {
        // Back to back within a run, so load on the machine hits every variant alike.
        for (const variant of variants) {
          await setVariant(database.db, variant, newTrigger);
          (results[shape][variant] ??= []).push(await measure(database.db, variant, count));
        }
      }
    }
    await setVariant(database.db, 'after', newTrigger);
    const lines = Object.entries(results).flatMap(([shape, byVariant]) =>
      Object.entries(byVariant).map(([variant, values]) => {
        const tps = median(values);
        const events = tps * (shape.startsWith('1 ') ? 1 : 100);
        return `${shape.padEnd(28)} ${variant.padEnd(30)} ${Math.round(tps).toLocaleString('en-US').padStart(7)} tx/s  ${Math.round(events).toLocaleString('en-US').padStart(8)} events/s  (runs: ${values.map((v) => Math.round(v)).join(', ')})`;
      }),
    );
    process.stdout.write(
      `\nRecording domain events, ${WRITERS} concurrent writers, ${SECONDS} s per measurement, median of ${RUNS}\n${lines.join('\n')}\n`,
    );
    const file = await writeBenchResults('event-recording', {
      writers: WRITERS,
      secondsPerMeasurement: SECONDS,
      transactionsPerSecond: Object.fromEntries(
        Object.entries(results).map(([shape, byVariant]) => [
          shape,
          Object.fromEntries(
            Object.entries(byVariant).map(([variant, values]) => [
              variant,
              { median: median(values), runs: values },
            ]),
          ),
        ]),
      ),
    });
    process.stdout.write(`figures written to ${file}\n`);
  } finally {
    await database.stop();
  }
});
