import { sql } from 'kysely';
import type { Db, DbExecutor, DbTransaction, JsonValue } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { enqueueJob } from '../../jobs/enqueue';
import { scopeFilter, type ScopedActor } from '../../platform/data-scope';
import type { DataScope } from '../rbac/catalogue';
import type { DomainEvent } from './schemas';

/** LISTEN on this channel to hear about every committed event, from any process. */
export const DOMAIN_EVENTS_CHANNEL = 'ipay_domain_events';

export interface NewDomainEvent {
  type: string;
  resourceType: string;
  resourceId: string;
  organizationId: string | null;
  actorUserId?: string | null;
  data: Record<string, JsonValue>;
}

/**
 * Writes an event in the caller's transaction, with its per-resource sequence number, its dispatch job and
 * its notification: all three exist if and only if the change that caused them commits.
 */
export async function recordDomainEvent(trx: DbTransaction, event: NewDomainEvent): Promise<DomainEvent> {
  const { last_sequence: sequence } = await trx
    .insertInto('domain_event_sequences')
    .values({ resource_type: event.resourceType, resource_id: event.resourceId, last_sequence: 1 })
    .onConflict((oc) =>
      oc.columns(['resource_type', 'resource_id']).doUpdateSet({
        last_sequence: sql<number>`domain_event_sequences.last_sequence + 1`,
      }),
    )
    .returning('last_sequence')
    .executeTakeFirstOrThrow();

  const row = await trx
    .insertInto('domain_events')
    .values({
      type: event.type,
      resource_type: event.resourceType,
      resource_id: event.resourceId,
      sequence,
      organization_id: event.organizationId,
      actor_user_id: event.actorUserId ?? null,
      payload: JSON.stringify(event.data),
    })
    .returning(['id', 'occurred_at'])
    .executeTakeFirstOrThrow();

  await enqueueJob(trx, 'events.dispatch', { eventId: row.id }, { jobKey: `event:${row.id}` });
  await sql`select pg_notify(${DOMAIN_EVENTS_CHANNEL}, ${row.id})`.execute(trx);

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
