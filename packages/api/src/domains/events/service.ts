import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { DbExecutor, DbTransaction, JsonValue } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { scopeFilter, type ScopedActor } from '../../platform/data-scope';
import type { DataScope } from '../rbac/catalogue';
import { EVENT_CATALOGUE, isEventType, type EventPayload, type EventType } from './catalogue';
import type { DomainEvent } from './schemas';

/**
 * LISTEN on this channel to hear about every committed event, from any process: one notification per committing
 * transaction, sent by the stream-numbering trigger (which names the channel itself), whose payload is the
 * highest stream position that transaction committed. It is a wake-up: read the stream past your cursor.
 */
export const DOMAIN_EVENTS_CHANNEL = 'ipay_domain_events';

/** An event to record: a catalogued type with that type's payload (see catalogue.ts). */
export interface NewDomainEvent<T extends EventType = EventType> {
  type: T;
  resourceType: string;
  resourceId: string;
  organizationId: string | null;
  actorUserId?: string | null;
  data: EventPayload<T>;
}

/** Any catalogued event, its payload tied to its type (for batches of mixed types). */
export type AnyNewDomainEvent = { [T in EventType]: NewDomainEvent<T> }[EventType];

const strictPayloads = new Map<string, z.ZodObject>();

/**
 * The run-time check of a payload against its type's schema, strict (a key the catalogue does not declare is
 * refused too). It runs always, not only in development: an event is permanent and merchants receive it, so a
 * malformed one cannot be taken back, and the shapes that escape the compiler (values read from the database,
 * spreads, JSON columns) are exactly those tests may not exercise. It costs microseconds per event, beside
 * the inserts it precedes. A refused payload fails the caller's transaction, like any other bug there. The
 * check only judges: what is stored is the data as given, not zod's output.
 */
function assertPayload(event: NewDomainEvent): void {
  let schema = strictPayloads.get(event.type);
  if (!schema) {
    // Callers that escaped the compiler (JavaScript, casts) can still name a type the catalogue lacks.
    const type: string = event.type;
    if (!isEventType(type)) throw new Error(`domain event type ${type} is not in the catalogue`);
    const payload: z.ZodObject = EVENT_CATALOGUE[event.type].payload;
    schema = payload.strict();
    strictPayloads.set(event.type, schema);
  }
  const checked = schema.safeParse(event.data);
  if (!checked.success) {
    throw new Error(`domain event ${event.type} has a malformed payload: ${z.prettifyError(checked.error)}`);
  }
}

/**
 * Writes an event in the caller's transaction with its per-resource sequence number: it exists, and is
 * announced and relayed, if and only if the change that caused it commits. Its stream position and the
 * notification on DOMAIN_EVENTS_CHANNEL come from the commit-time trigger (migration
 * 2026_11_30_100001_event_relay), not from the caller's round trips.
 */
export async function recordDomainEvent<T extends EventType>(
  trx: DbTransaction,
  event: NewDomainEvent<T>,
): Promise<DomainEvent> {
  const [recorded] = await insertDomainEvents(trx, [event]);
  if (!recorded) throw new Error(`domain event ${event.type} was not recorded`);
  return recorded;
}

/**
 * recordDomainEvent for many events at once, with the same guarantees and one statement. Events of one
 * resource get consecutive sequence numbers in the order given, and the stream numbers them in that order.
 */
export function recordDomainEvents(
  trx: DbTransaction,
  events: readonly AnyNewDomainEvent[],
): Promise<DomainEvent[]> {
  return insertDomainEvents(trx, events);
}

/**
 * The advisory lock that serialises stream numbering (migration 2026_11_26_000001_commit_ordered_stream): its
 * holder draws positions, and holds it until its commit is visible, so positions are commit-ordered.
 */
const STREAM_LOCK = sql.lit(7351642039184211);

/**
 * When an event gets its stream position. `commit` (the default): a provisional one now, the real one from the
 * commit-time trigger, which takes the stream lock for the commit only but rewrites every row it numbers. `now`:
 * the real one as the row is inserted, under the stream lock taken first and held until the commit, so other
 * writers' commits wait from this statement on: for a bulk writer whose events are the end of its transaction,
 * which spares rewriting (and re-indexing) thousands of rows. A rollback after it leaves a gap in the
 * positions, which readers skip as they skip any rolled-back transaction's.
 */
export type StreamNumbering = 'commit' | 'now';

/**
 * The rows of a query as events, for writers that produce their events in SQL (a bulk import creating thousands
 * of orders with INSERT … SELECT): the same table writes and per-resource sequence numbers as
 * recordDomainEvents, in one statement, without the events travelling through this process. `source` must yield
 * the columns of eventCtes' input. Payloads are not checked one by one here: the caller builds them in SQL from
 * the catalogue's keys, and its tests check the result against the catalogue. Returns how many events were
 * recorded.
 */
export async function recordDomainEventsFromQuery(
  trx: DbTransaction,
  source: RawBuilder<unknown>,
  numbering: StreamNumbering = 'commit',
): Promise<number> {
  if (numbering === 'now') await sql`select pg_advisory_xact_lock(${STREAM_LOCK})`.execute(trx);
  const { rows } = await sql<{ n: number; last: string | null }>`
    with ${eventCtes(source, numbering)}
    select count(*)::int as n, max(stream_position)::text as last from recorded_events`.execute(trx);
  const recorded = rows[0];
  // The commit-time trigger announces only the rows it numbers; these were numbered here.
  if (numbering === 'now' && recorded?.last) {
    await sql`select pg_notify(${DOMAIN_EVENTS_CHANNEL}, ${recorded.last})`.execute(trx);
  }
  return recorded?.n ?? 0;
}

interface InsertedEventRow {
  id: string;
  occurred_at: Date;
  resource_type: string;
  resource_id: string;
  sequence: number;
}

/**
 * recordDomainEvents as CTEs of a caller's own statement (`with <its CTEs>, ${domainEventCtes(…)} select …`),
 * so that a change and its events are one statement and one round trip. They end in `recorded_events` (id,
 * occurred_at, resource_type, resource_id, sequence of each event inserted). With `resourceIds`, a subquery of
 * that statement yielding resource ids as text, only the events whose resource is among them are recorded:
 * a statement that inserts `on conflict do nothing` announces exactly the rows it inserted. Run on its own
 * (outside a transaction) the statement is its own transaction, numbered in the stream at its commit like any
 * other.
 */
export function domainEventCtes(
  events: readonly AnyNewDomainEvent[],
  resourceIds: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return eventCtes(eventRows(events, resourceIds));
}

/** Events given in this process as the rows eventCtes reads, each payload checked against its type first. */
function eventRows(
  events: readonly NewDomainEvent[],
  resourceIds?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  for (const event of events) assertPayload(event);
  const input = events.map((event, ord) => ({
    ord,
    type: event.type,
    resource_type: event.resourceType,
    resource_id: event.resourceId,
    organization_id: event.organizationId,
    actor_user_id: event.actorUserId ?? null,
    payload: event.data,
  }));
  const recorded = resourceIds ? sql`where t.resource_id in (${resourceIds})` : sql``;
  return sql`
    select * from jsonb_to_recordset(${JSON.stringify(input)}::jsonb) as t(
      ord int, type text, resource_type text, resource_id text, organization_id uuid, actor_user_id uuid,
      payload jsonb)
    ${recorded}`;
}

/**
 * The one definition of how events are written: the rows of `input` (columns `ord`, the order to record them
 * in, `type`, `resource_type`, `resource_id` text, `organization_id`, `actor_user_id` uuid, `payload` jsonb)
 * inserted with their per-resource counters (one row per resource, since an upsert may touch a row once per
 * statement, advanced by its number of events), numbered from them, in the order given so the stream numbers
 * them in that order too.
 */
function eventCtes(input: RawBuilder<unknown>, numbering: StreamNumbering = 'commit'): RawBuilder<unknown> {
  // Drawn row by row in the order of `ordered` (a projection keeps its input's order), as the column's default.
  const position =
    numbering === 'now'
      ? sql`nextval('domain_events_stream_position_seq')`
      : sql`-nextval('domain_events_provisional_seq')`;
  return sql`
    event_input as (${input}),
    event_counts as (
      select resource_type, resource_id, count(*)::int as n from event_input group by resource_type, resource_id
    ), event_counters as (
      insert into domain_event_sequences (resource_type, resource_id, last_sequence)
      select resource_type, resource_id, n from event_counts
      on conflict (resource_type, resource_id)
        do update set last_sequence = domain_event_sequences.last_sequence + excluded.last_sequence
      returning resource_type, resource_id, last_sequence
    ), recorded_events as (
      insert into domain_events (
        type, resource_type, resource_id, sequence, organization_id, actor_user_id, payload, stream_position)
      select ordered.*, ${position}
      from (
        select i.type, i.resource_type, i.resource_id,
          c.last_sequence - n.n
            + row_number() over (partition by i.resource_type, i.resource_id order by i.ord)::int as sequence,
          i.organization_id, i.actor_user_id, i.payload
        from event_input i
        join event_counts n on n.resource_type = i.resource_type and n.resource_id = i.resource_id
        join event_counters c on c.resource_type = i.resource_type and c.resource_id = i.resource_id
        order by i.ord
      ) ordered
      returning id, occurred_at, resource_type, resource_id, sequence, stream_position
    )`;
}

async function insertDomainEvents(
  trx: DbTransaction,
  events: readonly NewDomainEvent[],
): Promise<DomainEvent[]> {
  if (!events.length) return [];
  const { rows } = await sql<InsertedEventRow>`
    with ${eventCtes(eventRows(events))}
    select id, occurred_at, resource_type, resource_id, sequence from recorded_events`.execute(trx);
  // RETURNING promises no order: rows are matched to events by their unique (resource, sequence), each
  // resource's events taking its new sequence numbers in the order given.
  const resourceKey = (type: string, id: string) => `${type}\u0000${id}`;
  const byResource = new Map<string, InsertedEventRow[]>();
  for (const row of rows) {
    const key = resourceKey(row.resource_type, row.resource_id);
    const list = byResource.get(key);
    if (list) list.push(row);
    else byResource.set(key, [row]);
  }
  for (const list of byResource.values()) list.sort((a, b) => a.sequence - b.sequence);
  return events.map((event): DomainEvent => {
    const row = byResource.get(resourceKey(event.resourceType, event.resourceId))?.shift();
    if (!row) throw new Error(`domain event ${event.type} for ${event.resourceId} was not inserted`);
    return {
      id: row.id,
      type: event.type,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      sequence: row.sequence,
      organizationId: event.organizationId,
      occurredAt: row.occurred_at.toISOString(),
      data: event.data,
    };
  });
}

interface EventRow {
  id: string;
  type: string;
  resource_type: string;
  resource_id: string;
  sequence: number;
  organization_id: string | null;
  occurred_at: Date;
  payload: JsonValue;
}

export function eventRowToEvent(row: EventRow): DomainEvent {
  const data =
    row.payload && typeof row.payload === 'object' && !Array.isArray(row.payload) ? row.payload : {};
  return {
    id: row.id,
    type: row.type,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    sequence: row.sequence,
    organizationId: row.organization_id,
    occurredAt: row.occurred_at.toISOString(),
    data,
  };
}

/** One event, if it exists within the caller's data scope; otherwise a 404. */
export async function getDomainEvent(
  db: DbExecutor,
  request: { id: string; scope: DataScope; actor: ScopedActor },
): Promise<DomainEvent> {
  const row = await db
    .selectFrom('domain_events')
    .selectAll()
    .where('id', '=', request.id)
    .where(scopeFilter(request.scope, request.actor, { organization: 'domain_events.organization_id' }))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Event ${request.id} does not exist.`);
  return eventRowToEvent(row);
}

/**
 * Hands a batch of committed events, in stream order, to whatever hangs off the relay (merchant webhooks), in
 * the relay's transaction, which also moves its cursor past them. Consumers must be idempotent per event:
 * relaying is at-least-once (a batch whose transaction fails is handed over again), though a committed batch
 * is not repeated.
 */
export type DomainEventConsumer = (trx: DbTransaction, events: readonly DomainEvent[]) => Promise<void>;
