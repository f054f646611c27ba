import { sql } from 'kysely';
import type { DbExecutor, DbTransaction, JsonValue } from '@ipay/db';
import { enqueueJob } from '../../jobs/enqueue';
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

/**
 * Marks an event dispatched. Safe to repeat: delivery is at-least-once, and an already dispatched event is
 * left as it is. Consumers that fan out (merchant webhooks) hang off this step.
 */
export async function dispatchDomainEvent(
  db: DbExecutor,
  eventId: string,
): Promise<'dispatched' | 'already' | 'missing'> {
  const updated = await db
    .updateTable('domain_events')
    .set({ dispatched_at: sql<Date>`now()` })
    .where('id', '=', eventId)
    .where('dispatched_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (updated) return 'dispatched';
  const exists = await db
    .selectFrom('domain_events')
    .select('id')
    .where('id', '=', eventId)
    .executeTakeFirst();
  return exists ? 'already' : 'missing';
}
