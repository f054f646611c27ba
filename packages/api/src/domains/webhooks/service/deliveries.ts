import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { WEBHOOK_ERRORS } from '../errors';
import { fetchPage, type Page } from '../../../platform/pagination';
import type { DomainEvent } from '../../events/schemas';
import { getDomainEvent, recordDomainEvent } from '../../events/service';
import {
  attemptRowToAttempt,
  deliveryNotFound,
  deliveryRowToDelivery,
  enqueueDeliveryAttempt,
  enqueueDeliveryAttempts,
  lockVisibleEndpoint,
  selectDeliveries,
  visibleEndpoints,
  type ScopedRequest,
} from '../repository';
import {
  isWebhookEventType,
  OPERATOR_ONLY_EVENT_TYPES,
  type DeliveryStatus,
  type ListEndpointDeliveriesInput,
  type ListEventDeliveriesInput,
  type TestEventSent,
  type WebhookDelivery,
  type WebhookDeliveryDetail,
} from '../schemas';

/**
 * The relay's consumer: one delivery, and its first attempt's job, per active endpoint of each event's
 * organization that subscribes to its type, for a whole batch in one INSERT … SELECT and one add_jobs. Runs in
 * the relay's transaction; the unique (endpoint, event) constraint makes a batch handed over again create
 * nothing twice. Operators-only types (`invoice.mismatch`, recorded without an organization) go to the
 * endpoints of operator organizations, never a merchant's; other platform events (no organization) and types
 * outside the webhook contract go nowhere; `webhook.test` is delivered only by sendTestEvent.
 */
export async function scheduleWebhookDeliveries(
  trx: DbTransaction,
  events: readonly DomainEvent[],
): Promise<void> {
  const deliverable = events.filter(
    (event) =>
      isWebhookEventType(event.type) &&
      event.type !== 'webhook.test' &&
      (OPERATOR_ONLY_EVENT_TYPES.includes(event.type) ? !event.organizationId : event.organizationId),
  );
  if (!deliverable.length) return;
  const { rows } = await sql<{ id: string; endpoint_id: string }>`
    insert into webhook_deliveries (endpoint_id, event_id, next_attempt_at)
    select endpoint.id, event.id, now()
    from unnest(
      ${deliverable.map((event) => event.id)}::uuid[],
      ${deliverable.map((event) => event.organizationId)}::uuid[],
      ${deliverable.map((event) => event.type)}::text[]
    ) as event(id, organization_id, type)
    join webhook_endpoints endpoint
      on (endpoint.organization_id = event.organization_id
        or (event.organization_id is null and endpoint.organization_id in (
          select id from organizations where type = 'operator')))
      and endpoint.status = 'active'
      and (cardinality(endpoint.event_types) = 0 or event.type = any(endpoint.event_types))
    on conflict (endpoint_id, event_id) do nothing
    returning id, endpoint_id`.execute(trx);
  await enqueueDeliveryAttempts(
    trx,
    rows.map((row) => ({ id: row.id, endpointId: row.endpoint_id })),
  );
}

/** Records a `webhook.test` event for one endpoint and delivers it there, whatever types it subscribes to. */
export async function sendTestEvent(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<TestEventSent> {
  const endpoint = await lockVisibleEndpoint(trx, request, request.id);
  if (endpoint.status !== 'active') {
    throw new AppError('conflict', 'This endpoint is disabled; re-enable it before sending a test event.');
  }
  const event = await recordDomainEvent(trx, {
    type: 'webhook.test',
    resourceType: 'webhook_endpoint',
    resourceId: endpoint.id,
    organizationId: endpoint.organization_id,
    actorUserId: request.actor.userId,
    data: {
      endpointId: endpoint.id,
      message: 'A test event from IPAY: your endpoint receives our webhooks.',
    },
  });
  const row = await trx
    .insertInto('webhook_deliveries')
    .values({ endpoint_id: endpoint.id, event_id: event.id, next_attempt_at: sql<Date>`now()` })
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueueDeliveryAttempt(trx, row.id);
  return { eventId: event.id, delivery: deliveryRowToDelivery({ ...row, event_type: event.type }) };
}

function pageOfDeliveries(
  db: DbExecutor,
  request: ScopedRequest & { page: { limit: number; cursor?: string }; status?: DeliveryStatus },
) {
  let query = selectDeliveries(db).where(visibleEndpoints(request));
  if (request.status) query = query.where('webhook_deliveries.status', '=', request.status);
  return query;
}

export async function listEndpointDeliveries(
  db: DbExecutor,
  request: ScopedRequest & { input: ListEndpointDeliveriesInput },
): Promise<Page<WebhookDelivery>> {
  const { input } = request;
  const endpoint = await db
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('id', '=', input.id)
    .where(visibleEndpoints(request))
    .executeTakeFirst();
  if (!endpoint) throw new AppError('not_found', `Webhook endpoint ${input.id} does not exist.`);
  const query = pageOfDeliveries(db, { ...request, page: input, status: input.status }).where(
    'webhook_deliveries.endpoint_id',
    '=',
    endpoint.id,
  );
  const page = await fetchPage(query, input, {
    orderBy: ['webhook_deliveries.created_at', 'webhook_deliveries.id'],
  });
  return { ...page, items: page.items.map(deliveryRowToDelivery) };
}

/** The deliveries of one event to the caller's endpoints; an event outside the caller's scope is a 404. */
export async function listEventDeliveries(
  db: DbExecutor,
  request: ScopedRequest & { input: ListEventDeliveriesInput },
): Promise<Page<WebhookDelivery>> {
  const { input } = request;
  const event = await getDomainEvent(db, { id: input.eventId, scope: request.scope, actor: request.actor });
  const query = pageOfDeliveries(db, { ...request, page: input, status: input.status }).where(
    'webhook_deliveries.event_id',
    '=',
    event.id,
  );
  const page = await fetchPage(query, input, {
    orderBy: ['webhook_deliveries.created_at', 'webhook_deliveries.id'],
  });
  return { ...page, items: page.items.map(deliveryRowToDelivery) };
}

export async function getDelivery(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<WebhookDeliveryDetail> {
  const row = await selectDeliveries(db)
    .where('webhook_deliveries.id', '=', request.id)
    .where(visibleEndpoints(request))
    .executeTakeFirst();
  if (!row) throw deliveryNotFound(request.id);
  const attempts = await db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', row.id)
    .orderBy('attempt_number')
    .execute();
  return { ...deliveryRowToDelivery(row), attemptHistory: attempts.map(attemptRowToAttempt) };
}

/**
 * Makes a delivery pending with an attempt due now, whatever its status: a failed delivery gets one more
 * attempt, a pending one is attempted without waiting for its backoff, a succeeded one is sent again. The
 * `webhook-id` stays the event id, so receivers that dedupe see a repeat.
 */
export async function redeliver(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<WebhookDelivery> {
  const delivery = await selectDeliveries(trx)
    .select('webhook_endpoints.status as endpoint_status')
    .where('webhook_deliveries.id', '=', request.id)
    .where(visibleEndpoints(request))
    .forUpdate('webhook_deliveries')
    .executeTakeFirst();
  if (!delivery) throw deliveryNotFound(request.id);
  if (delivery.endpoint_status !== 'active') {
    throw domainError(
      WEBHOOK_ERRORS,
      'endpoint_disabled',
      'The endpoint is disabled; re-enable it before redelivering.',
    );
  }
  const row = await trx
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('id', '=', delivery.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueueDeliveryAttempt(trx, row.id);
  return deliveryRowToDelivery({ ...row, event_type: delivery.event_type });
}
