import type { Expression, Selectable, SqlBool } from 'kysely';
import type { DbExecutor, DbTransaction, WebhookDeliveriesTable, WebhookEndpointsTable } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { enqueueJob, enqueueJobs } from '../../jobs/enqueue';
import { scopeFilter } from '../../platform/data-scope';
import { toTimestamp } from '../../platform/time';
import type { DataScope } from '../rbac/catalogue';
import type { DeliveryAttempt, WebhookDelivery, WebhookEndpoint, WebhookEventType } from './schemas';

export interface ScopedRequest {
  actor: { userId: string; organizationId: string };
  scope: DataScope;
}

// Row types come from the generated Database interface, so status columns carry their CHECK values.
export type EndpointRow = Selectable<WebhookEndpointsTable>;

export type DeliveryRow = Selectable<WebhookDeliveriesTable> & { event_type: string };

export function endpointRowToEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    organizationId: row.organization_id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types as WebhookEventType[],
    status: row.status,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since ? toTimestamp(row.failing_since) : null,
    previousSecretExpiresAt: row.previous_secret_expires_at
      ? toTimestamp(row.previous_secret_expires_at)
      : null,
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

export function deliveryRowToDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at ? toTimestamp(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

export function attemptRowToAttempt(row: {
  attempt_number: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_body_excerpt: string | null;
}): DeliveryAttempt {
  return {
    attempt: row.attempt_number,
    startedAt: toTimestamp(row.started_at),
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    error: row.error,
    responseBodyExcerpt: row.response_body_excerpt,
  };
}

/** Endpoints the caller may see: another organization's endpoint simply does not exist for them. */
export function visibleEndpoints(request: ScopedRequest): Expression<SqlBool> {
  return scopeFilter(request.scope, request.actor, { organization: 'webhook_endpoints.organization_id' });
}

export function endpointNotFound(id: string): AppError {
  return new AppError('not_found', `Webhook endpoint ${id} does not exist.`);
}

export function deliveryNotFound(id: string): AppError {
  return new AppError('not_found', `Webhook delivery ${id} does not exist.`);
}

/** Locks the endpoint for a change; a row outside the caller's scope is a 404. */
export async function lockVisibleEndpoint(
  trx: DbTransaction,
  request: ScopedRequest,
  id: string,
): Promise<EndpointRow> {
  const row = await trx
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('id', '=', id)
    .where(visibleEndpoints(request))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw endpointNotFound(id);
  return row;
}

export function selectDeliveries(db: DbExecutor) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    .innerJoin('domain_events', 'domain_events.id', 'webhook_deliveries.event_id')
    .selectAll('webhook_deliveries')
    .select('domain_events.type as event_type');
}

/**
 * Every job that delivers to an endpoint runs in the endpoint's own job queue: one at a time across all workers,
 * so two workers never send the same delivery at once, and one endpoint holds at most one worker.
 */
export function endpointQueue(endpointId: string): string {
  return `webhook-endpoint:${endpointId}`;
}

const deliveryJobKey = (deliveryId: string) => `webhook-delivery:${deliveryId}`;

/**
 * A job that delivers whatever is due at each of these endpoints, in rounds. One pending job per endpoint: the
 * key folds a new enqueue into a waiting job, and next to a running job adds one to run after it.
 */
export async function enqueueEndpointDeliveries(
  db: DbExecutor,
  endpointIds: readonly string[],
): Promise<void> {
  await enqueueJobs(
    db,
    'webhooks.deliver-endpoint',
    [...new Set(endpointIds)].map((endpointId) => ({
      payload: { endpointId },
      jobKey: endpointQueue(endpointId),
      queueName: endpointQueue(endpointId),
    })),
  );
}

/** The next attempts of failed deliveries of one endpoint, each due at its own time. */
export async function enqueueDeliveryRetries(
  db: DbExecutor,
  endpointId: string,
  retries: ReadonlyArray<{ id: string; runAt: Date }>,
): Promise<void> {
  await enqueueJobs(
    db,
    'webhooks.deliver',
    retries.map((retry) => ({
      payload: { deliveryId: retry.id },
      jobKey: deliveryJobKey(retry.id),
      queueName: endpointQueue(endpointId),
      runAt: retry.runAt,
    })),
  );
}

/**
 * Schedules the first attempts of new deliveries, in the caller's transaction: one job per endpoint for those
 * due now (it sends them in rounds), one job per delivery for those due later.
 */
export async function enqueueDeliveryAttempts(
  trx: DbTransaction,
  deliveries: ReadonlyArray<{ id: string; endpointId: string; runAt?: Date }>,
): Promise<void> {
  const now = Date.now();
  const isLater = (d: { runAt?: Date }) => d.runAt !== undefined && d.runAt.getTime() > now;
  const later = deliveries.filter(isLater);
  await enqueueEndpointDeliveries(
    trx,
    deliveries.filter((d) => !isLater(d)).map((d) => d.endpointId),
  );
  await enqueueJobs(
    trx,
    'webhooks.deliver',
    later.map((d) => ({
      payload: { deliveryId: d.id },
      jobKey: deliveryJobKey(d.id),
      queueName: endpointQueue(d.endpointId),
      runAt: d.runAt,
    })),
  );
}

/**
 * An attempt at one delivery, now or at `runAt` (a retry, a redelivery, a test event). Its job delivers
 * whatever of the endpoint is due when it runs. One job per delivery at a time: the key makes a repeated
 * enqueue reschedule it rather than add another.
 */
export async function enqueueDeliveryAttempt(
  db: DbExecutor,
  deliveryId: string,
  runAt?: Date,
): Promise<void> {
  const delivery = await db
    .selectFrom('webhook_deliveries')
    .select('endpoint_id')
    .where('id', '=', deliveryId)
    .executeTakeFirstOrThrow();
  await enqueueJob(
    db,
    'webhooks.deliver',
    { deliveryId },
    { jobKey: deliveryJobKey(deliveryId), queueName: endpointQueue(delivery.endpoint_id), runAt },
  );
}
