import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, DbExecutor, DbTransaction, JsonValue } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { enqueueJobs } from '../../jobs/enqueue';
import { scopeFilter, type ScopedActor } from '../../platform/data-scope';
import type { DataScope } from '../rbac/catalogue';
import { EVENT_CATALOGUE, isEventType, type EventPayload, type EventType } from './catalogue';
import type { DomainEvent } from './schemas';

/** LISTEN on this channel to hear about every committed event, from any process. */
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
 * Writes an event in the caller's transaction, with its per-resource sequence number, its dispatch job and
 * its notification: all three exist if and only if the change that caused them commits.
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
 * recordDomainEvent for many events at once, with the same guarantees and one statement per step: sequence
 * numbers, events, one dispatch job per event, one notification per event. Events of one resource get
 * consecutive sequence numbers in the order given.
 */
export function recordDomainEvents(
  trx: DbTransaction,
  events: readonly AnyNewDomainEvent[],
): Promise<DomainEvent[]> {
  return insertDomainEvents(trx, events);
}

async function insertDomainEvents(
  trx: DbTransaction,
  events: readonly NewDomainEvent[],
): Promise<DomainEvent[]> {
  if (!events.length) return [];
  for (const event of events) assertPayload(event);
  const resourceKey = (type: string, id: string) => `${type}\u0000${id}`;
  const perResource = new Map<string, { resourceType: string; resourceId: string; count: number }>();
  for (const event of events) {
    const key = resourceKey(event.resourceType, event.resourceId);
    const entry = perResource.get(key);
    if (entry) entry.count += 1;
    else perResource.set(key, { resourceType: event.resourceType, resourceId: event.resourceId, count: 1 });
  }
  // One row per resource (an upsert may touch a row once per statement), advanced by its number of events.
  const sequences = await trx
    .insertInto('domain_event_sequences')
    .values(
      [...perResource.values()].map((r) => ({
        resource_type: r.resourceType,
        resource_id: r.resourceId,
        last_sequence: r.count,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['resource_type', 'resource_id']).doUpdateSet({
        last_sequence: sql<number>`domain_event_sequences.last_sequence + excluded.last_sequence`,
      }),
    )
    .returning(['resource_type', 'resource_id', 'last_sequence'])
    .execute();
  const next = new Map<string, number>();
  for (const row of sequences) {
    const count = perResource.get(resourceKey(row.resource_type, row.resource_id))?.count ?? 1;
    next.set(resourceKey(row.resource_type, row.resource_id), row.last_sequence - count + 1);
  }
  const numbered = events.map((event) => {
    const key = resourceKey(event.resourceType, event.resourceId);
    const sequence = next.get(key) ?? 1;
    next.set(key, sequence + 1);
    return { event, sequence };
  });

  const rows = await trx
    .insertInto('domain_events')
    .values(
      numbered.map(({ event, sequence }) => ({
        type: event.type,
        resource_type: event.resourceType,
        resource_id: event.resourceId,
        sequence,
        organization_id: event.organizationId,
        actor_user_id: event.actorUserId ?? null,
        payload: JSON.stringify(event.data),
      })),
    )
    .returning(['id', 'occurred_at', 'resource_type', 'resource_id', 'sequence'])
    .execute();
  // RETURNING promises no order: rows are matched to events by their unique (resource, sequence).
  const byKey = new Map(rows.map((r) => [`${resourceKey(r.resource_type, r.resource_id)}#${r.sequence}`, r]));
  const recorded = numbered.map(({ event, sequence }): DomainEvent => {
    const row = byKey.get(`${resourceKey(event.resourceType, event.resourceId)}#${sequence}`);
    if (!row) throw new Error(`domain event ${event.type} for ${event.resourceId} was not inserted`);
    return {
      id: row.id,
      type: event.type,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
      sequence,
      organizationId: event.organizationId,
      occurredAt: row.occurred_at.toISOString(),
      data: event.data,
    };
  });

  await enqueueJobs(
    trx,
    'events.dispatch',
    recorded.map((e) => ({ payload: { eventId: e.id }, jobKey: `event:${e.id}` })),
  );
  const ids = recorded.map((e) => e.id);
  await sql`select pg_notify(${DOMAIN_EVENTS_CHANNEL}, id) from unnest(${ids}::text[]) as id`.execute(trx);
  return recorded;
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
 * Hands a committed event to whatever hangs off dispatch (merchant webhooks), in the dispatch transaction.
 * Consumers must be idempotent per event: dispatch is at-least-once, though a committed dispatch is not
 * repeated.
 */
export type DomainEventConsumer = (trx: DbTransaction, event: DomainEvent) => Promise<void>;

/**
 * Runs the consumers and marks the event dispatched, all in one transaction, so consumers run for an event
 * exactly when it becomes dispatched. Safe to repeat: an already dispatched event is left as it is.
 */
export async function dispatchDomainEvent(
  db: Db,
  eventId: string,
  consumers: readonly DomainEventConsumer[] = [],
): Promise<'dispatched' | 'already' | 'missing'> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('domain_events')
      .selectAll()
      .where('id', '=', eventId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return 'missing';
    if (row.dispatched_at) return 'already';
    const event = eventRowToEvent(row);
    for (const consume of consumers) await consume(trx, event);
    await trx
      .updateTable('domain_events')
      .set({ dispatched_at: sql<Date>`now()` })
      .where('id', '=', eventId)
      .execute();
    return 'dispatched';
  });
}
