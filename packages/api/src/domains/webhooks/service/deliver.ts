import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { enqueueDeliveryAttempt } from '../repository';
import { logDeliveryAttempt, settleDelivery, type DeliveryAttempt } from '../delivery-bookkeeping';
import { DISABLE_AFTER_FAILING_MS, parseRetryAfter, retryWithinWindow } from '../retry-schedule';
import { openSigningSecrets, previousSecretValid } from '../secret-rotation';
import { postSignedWebhook } from '../signed-post';
import { webhookBody } from '../webhook-body';
import { disableEndpoint } from './disable';
import type { WebhookSettings } from './settings';

export type DeliveryOutcome =
  'succeeded' | 'retry-scheduled' | 'failed' | 'endpoint-disabled' | 'not-pending' | 'not-due' | 'missing';

export interface DeliverOptions {
  deliveryId: string;
  settings: WebhookSettings;
  /** For tests: the jitter source of the retry schedule. */
  random?: () => number;
}

interface AttemptResult extends DeliveryAttempt {
  retryAfterMs: number | undefined;
}

function loadTarget(db: Db, deliveryId: string) {
  return db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    .innerJoin('domain_events', 'domain_events.id', 'webhook_deliveries.event_id')
    .select([
      'webhook_deliveries.id',
      'webhook_deliveries.status',
      'webhook_endpoints.id as endpoint_id',
      'webhook_endpoints.url',
      'webhook_endpoints.status as endpoint_status',
      'webhook_endpoints.secret_encrypted',
      'webhook_endpoints.previous_secret_encrypted',
      'domain_events.id as event_id',
      'domain_events.type as event_type',
      'domain_events.sequence',
      'domain_events.resource_type',
      'domain_events.resource_id',
      'domain_events.occurred_at',
      'domain_events.payload',
      // Judged by the database clock, the one every worker shares.
      sql<boolean>`webhook_deliveries.next_attempt_at is null
        or webhook_deliveries.next_attempt_at <= now() + interval '1 second'`.as('due'),
      previousSecretValid('webhook_endpoints.previous_secret_expires_at').as('previous_secret_valid'),
    ])
    .where('webhook_deliveries.id', '=', deliveryId)
    .executeTakeFirst();
}
type Target = NonNullable<Awaited<ReturnType<typeof loadTarget>>>;

async function attempt(target: Target, settings: WebhookSettings): Promise<AttemptResult> {
  const sent = await postSignedWebhook({
    url: target.url,
    messageId: target.event_id,
    body: webhookBody({
      id: target.event_id,
      type: target.event_type,
      sequence: target.sequence,
      resourceType: target.resource_type,
      resourceId: target.resource_id,
      occurredAt: target.occurred_at,
      data: target.payload,
    }),
    secrets: openSigningSecrets(settings.encryptionKey, {
      current: target.secret_encrypted,
      previous: target.previous_secret_encrypted,
      previousValid: target.previous_secret_valid,
    }),
    allowPrivateUrls: settings.allowPrivateUrls,
  });
  const { statusCode } = sent;
  const base = { startedAt: sent.startedAt, durationMs: sent.durationMs, statusCode };
  if (statusCode === null) {
    return { ...base, error: sent.transportError, bodyExcerpt: null, retryAfterMs: undefined };
  }
  const ok = statusCode >= 200 && statusCode < 300;
  const retryAfter = statusCode === 429 || statusCode === 503 ? sent.headers['retry-after'] : undefined;
  return {
    ...base,
    error: ok
      ? null
      : `The receiver answered ${statusCode}${statusCode >= 300 && statusCode < 400 ? ' (redirects are not followed)' : ''}.`,
    bodyExcerpt: sent.bodyExcerpt,
    retryAfterMs: parseRetryAfter(retryAfter, new Date()),
  };
}

/** What one attempt means for the delivery and its endpoint, written with the attempt in one transaction. */
async function recordAttempt(
  db: Db,
  target: Target,
  result: AttemptResult,
  random: (() => number) | undefined,
): Promise<DeliveryOutcome> {
  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom('webhook_deliveries')
      .select(['id', 'status', 'attempts', 'created_at'])
      .where('id', '=', target.id)
      .forUpdate()
      .executeTakeFirst();
    // Deleted with its endpoint while the request was in flight.
    if (!delivery) return 'missing';
    await logDeliveryAttempt(trx, 'webhook_delivery_attempts', {
      deliveryId: delivery.id,
      attemptNumber: delivery.attempts + 1,
      attempt: result,
    });
    const settle = (status: 'succeeded' | 'failed' | 'pending', nextAttemptAt?: Date) =>
      settleDelivery(trx, 'webhook_deliveries', delivery.id, { status, attempt: result, nextAttemptAt });

    const succeeded = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    if (succeeded) {
      await settle('succeeded');
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', target.endpoint_id)
        .execute();
      return 'succeeded';
    }
    // Disabled (or redelivered and settled) meanwhile: keep the attempt, change nothing else.
    if (delivery.status !== 'pending') {
      await trx
        .updateTable('webhook_deliveries')
        .set({ attempts: sql<number>`attempts + 1`, updated_at: sql<Date>`now()` })
        .where('id', '=', delivery.id)
        .execute();
      return 'not-pending';
    }

    if (result.statusCode === 410) {
      await settle('failed');
      await disableEndpoint(trx, {
        endpointId: target.endpoint_id,
        reason: 'The receiver answered 410 Gone.',
        actorUserId: null,
        notifyAdmins: true,
      });
      return 'endpoint-disabled';
    }

    const endpoint = await trx
      .updateTable('webhook_endpoints')
      .set({ failing_since: sql<Date>`coalesce(failing_since, ${result.startedAt})` })
      .where('id', '=', target.endpoint_id)
      .returning(['failing_since'])
      .executeTakeFirstOrThrow();
    const failingFor = result.startedAt.getTime() - (endpoint.failing_since ?? result.startedAt).getTime();
    if (failingFor >= DISABLE_AFTER_FAILING_MS) {
      await settle('failed');
      await disableEndpoint(trx, {
        endpointId: target.endpoint_id,
        reason: 'Every delivery attempt has failed for 3 days.',
        actorUserId: null,
        notifyAdmins: true,
      });
      return 'endpoint-disabled';
    }

    const next = retryWithinWindow({
      failedAttempts: delivery.attempts + 1,
      attemptStartedAt: result.startedAt,
      deliveryCreatedAt: delivery.created_at,
      retryAfterMs: result.retryAfterMs,
      random,
    });
    if (!next) {
      await settle('failed');
      return 'failed';
    }
    await settle('pending', next);
    await enqueueDeliveryAttempt(trx, delivery.id, next);
    return 'retry-scheduled';
  });
}

/**
 * Makes one attempt at a delivery and records it: 2xx succeeds; 410 disables the endpoint; anything else
 * (3xx included, redirects are not followed) is retried with jittered backoff, honouring Retry-After on
 * 429/503, for 72 hours after the delivery was created. An endpoint that has only failed for 3 days is
 * disabled and its admins e-mailed.
 *
 * At-least-once: the attempt is recorded after the request, so a worker that dies in between leaves its
 * job uncompleted and the job queue runs it again; the receiver then sees the same `webhook-id` twice.
 */
export async function deliverWebhook(db: Db, options: DeliverOptions): Promise<DeliveryOutcome> {
  const target = await loadTarget(db, options.deliveryId);
  if (!target) return 'missing';
  if (target.status !== 'pending') return 'not-pending';
  // A newer schedule exists (an attempt was recorded after this job was queued); that job will run it.
  if (!target.due) return 'not-due';
  if (target.endpoint_status !== 'active') {
    await db
      .updateTable('webhook_deliveries')
      .set({
        status: 'failed',
        next_attempt_at: null,
        last_error: 'Endpoint disabled.',
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', target.id)
      .where('status', '=', 'pending')
      .execute();
    return 'endpoint-disabled';
  }
  const result = await attempt(target, options.settings);
  return recordAttempt(db, target, result, options.random);
}

/** How many requests one worker process has in flight to one endpoint at most. */
export const WEBHOOK_ENDPOINT_CONCURRENCY = 5;
