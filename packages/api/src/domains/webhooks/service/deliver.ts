import type { LookupAddress } from 'node:dns';
import { sql } from 'kysely';
import type { Db, DbTransaction } from '@ipay/db';
import { endpointAgent } from '../connections';
import {
  logDeliveryAttempts,
  settleDeliveries,
  type DeliveryAttempt,
  type DeliverySettlement,
} from '../delivery-bookkeeping';
import { enqueueDeliveryRetries, enqueueEndpointDeliveries } from '../repository';
import { DISABLE_AFTER_FAILING_MS, parseRetryAfter, retryWithinWindow } from '../retry-schedule';
import { openSigningSecrets, previousSecretValid } from '../secret-rotation';
import { failedPost, postSignedWebhookVia, type SignedPostResult } from '../signed-post';
import { checkedAddresses, pinnedLookup } from '../url-guard';
import { webhookBody } from '../webhook-body';
import { disableEndpoint } from './disable';
import type { WebhookSettings } from './settings';

/** How many requests one worker process has in flight to one endpoint at most. */
export const WEBHOOK_ENDPOINT_CONCURRENCY = 8;
/** Due deliveries taken, sent and recorded together: one claim and one recording transaction per round. */
const ROUND_SIZE = 200;
/** Rounds one job runs before it queues the rest behind the jobs of other endpoints. */
const ROUNDS_PER_JOB = 10;

export type DeliveryOutcome =
  'succeeded' | 'retry-scheduled' | 'failed' | 'endpoint-disabled' | 'not-pending';

export interface DeliverOptions {
  endpointId: string;
  settings: WebhookSettings;
  /** For tests: the jitter source of the retry schedule. */
  random?: () => number;
}

interface AttemptResult extends DeliveryAttempt {
  retryAfterMs: number | undefined;
}

function loadEndpoint(db: Db, endpointId: string) {
  return db
    .selectFrom('webhook_endpoints')
    .select([
      'id',
      'url',
      'status',
      'secret_encrypted',
      'previous_secret_encrypted',
      previousSecretValid('webhook_endpoints.previous_secret_expires_at').as('previous_secret_valid'),
    ])
    .where('id', '=', endpointId)
    .executeTakeFirst();
}
type Endpoint = NonNullable<Awaited<ReturnType<typeof loadEndpoint>>>;

/**
 * The endpoint's pending deliveries that are due, oldest schedule first. Every job that delivers to an endpoint
 * runs in that endpoint's job queue, one at a time across all workers, so no other process takes these rows
 * until this round has recorded them.
 */
function dueDeliveries(db: Db, endpointId: string, limit: number) {
  return (
    db
      .selectFrom('webhook_deliveries')
      .innerJoin('domain_events', 'domain_events.id', 'webhook_deliveries.event_id')
      .select([
        'webhook_deliveries.id',
        'domain_events.id as event_id',
        'domain_events.type as event_type',
        'domain_events.sequence',
        'domain_events.resource_type',
        'domain_events.resource_id',
        'domain_events.occurred_at',
        'domain_events.payload',
      ])
      .where('webhook_deliveries.endpoint_id', '=', endpointId)
      .where('webhook_deliveries.status', '=', 'pending')
      // Judged by the database clock, the one every worker shares.
      .where(
        sql<boolean>`(webhook_deliveries.next_attempt_at <= now() + interval '1 second'
        or webhook_deliveries.next_attempt_at is null)`,
      )
      .orderBy('webhook_deliveries.next_attempt_at')
      .orderBy('webhook_deliveries.id')
      .limit(limit)
      .execute()
  );
}
type Due = Awaited<ReturnType<typeof dueDeliveries>>[number];

function toAttempt(sent: SignedPostResult): AttemptResult {
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

const succeeded = (result: AttemptResult) =>
  result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

/** Runs `work` over `items`, at most `limit` at a time, results in the items' order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/**
 * One POST per due delivery over the endpoint's keep-alive connections. The address is checked once per round
 * and the connections are pinned to the checked addresses; a refused address is every delivery's failed attempt.
 */
async function sendRound(endpoint: Endpoint, due: readonly Due[], settings: WebhookSettings) {
  const url = new URL(endpoint.url);
  let addresses: LookupAddress[] | undefined;
  if (!settings.allowPrivateUrls) {
    try {
      addresses = await checkedAddresses(endpoint.url);
    } catch (error) {
      const refused = failedPost(new Date(), error);
      return due.map(() => toAttempt(refused));
    }
  }
  const agent = endpointAgent(endpoint.id, {
    url,
    target: addresses?.map((a) => a.address).join(',') ?? 'any address',
    lookup: addresses && pinnedLookup(addresses),
    maxSockets: WEBHOOK_ENDPOINT_CONCURRENCY,
  });
  const secrets = openSigningSecrets(settings.encryptionKey, {
    current: endpoint.secret_encrypted,
    previous: endpoint.previous_secret_encrypted,
    previousValid: endpoint.previous_secret_valid,
  });
  return mapBounded(due, WEBHOOK_ENDPOINT_CONCURRENCY, async (delivery) =>
    toAttempt(
      await postSignedWebhookVia(agent, {
        url: endpoint.url,
        messageId: delivery.event_id,
        secrets,
        body: webhookBody({
          id: delivery.event_id,
          type: delivery.event_type,
          sequence: delivery.sequence,
          resourceType: delivery.resource_type,
          resourceId: delivery.resource_id,
          occurredAt: delivery.occurred_at,
          data: delivery.payload,
        }),
      }),
    ),
  );
}

/** Whether the endpoint has now only failed for 3 days (a failure run starts at its first failed attempt). */
async function markEndpointFailing(trx: DbTransaction, endpointId: string, since: Date): Promise<boolean> {
  const endpoint = await trx
    .updateTable('webhook_endpoints')
    .set({ failing_since: sql<Date>`coalesce(failing_since, ${since})` })
    .where('id', '=', endpointId)
    .returning(['failing_since'])
    .executeTakeFirstOrThrow();
  return since.getTime() - (endpoint.failing_since ?? since).getTime() >= DISABLE_AFTER_FAILING_MS;
}

/**
 * What a round's attempts mean for its deliveries and their endpoint, written in one transaction: the attempt
 * log and the deliveries in one statement each. 2xx succeeds (and clears the endpoint's failure run); a 410 to any
 * of them disables the endpoint; an endpoint that has only failed for 3 days is disabled; any other failure is retried
 * with jittered backoff (Retry-After honoured on 429/503) within 72 hours of the delivery's creation.
 */
async function recordRound(
  db: Db,
  endpointId: string,
  sent: ReadonlyArray<{ deliveryId: string; result: AttemptResult }>,
  random: (() => number) | undefined,
): Promise<Map<string, DeliveryOutcome>> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('webhook_deliveries')
      .select(['id', 'status', 'attempts', 'created_at'])
      .where(
        'id',
        'in',
        sent.map((s) => s.deliveryId),
      )
      .orderBy('id')
      .forUpdate()
      .execute();
    // A delivery missing now was deleted with its endpoint while its request was in flight.
    const byId = new Map(rows.map((row) => [row.id, row]));
    const recorded = sent.flatMap(({ deliveryId, result }) => {
      const row = byId.get(deliveryId);
      return row ? [{ row, result }] : [];
    });
    await logDeliveryAttempts(
      trx,
      'webhook_delivery_attempts',
      recorded.map(({ row, result }) => ({
        deliveryId: row.id,
        attemptNumber: row.attempts + 1,
        attempt: result,
      })),
    );

    // Settled meanwhile (disabled, or redelivered and settled): the attempt counts, nothing else changes.
    const open = recorded.filter(({ row, result }) => row.status === 'pending' || succeeded(result));
    const failures = open.filter(({ result }) => !succeeded(result));
    let disabledFor: string | undefined;
    if (failures.some(({ result }) => result.statusCode === 410)) {
      disabledFor = 'The receiver answered 410 Gone.';
    } else if (open.length > failures.length) {
      await trx
        .updateTable('webhook_endpoints')
        .set({ failing_since: null })
        .where('id', '=', endpointId)
        .where('failing_since', 'is not', null)
        .execute();
    } else if (failures.length) {
      const firstFailure = new Date(Math.min(...failures.map(({ result }) => result.startedAt.getTime())));
      if (await markEndpointFailing(trx, endpointId, firstFailure)) {
        disabledFor = 'Every delivery attempt has failed for 3 days.';
      }
    }

    const outcomes = new Map<string, DeliveryOutcome>();
    const settlements: DeliverySettlement[] = [];
    const retries: Array<{ id: string; runAt: Date }> = [];
    for (const { row, result } of recorded) {
      const settle = (
        status: DeliverySettlement['status'],
        outcome: DeliveryOutcome,
        nextAttemptAt?: Date,
      ) => {
        settlements.push({ deliveryId: row.id, status, attempt: result, nextAttemptAt });
        outcomes.set(row.id, outcome);
      };
      if (succeeded(result)) {
        settle('succeeded', 'succeeded');
        continue;
      }
      if (row.status !== 'pending') {
        settle(null, 'not-pending');
        continue;
      }
      if (disabledFor) {
        settle('failed', 'endpoint-disabled');
        continue;
      }
      const next = retryWithinWindow({
        failedAttempts: row.attempts + 1,
        attemptStartedAt: result.startedAt,
        deliveryCreatedAt: row.created_at,
        retryAfterMs: result.retryAfterMs,
        random,
      });
      if (!next) {
        settle('failed', 'failed');
        continue;
      }
      settle('pending', 'retry-scheduled', next);
      retries.push({ id: row.id, runAt: next });
    }
    await settleDeliveries(trx, 'webhook_deliveries', settlements);
    await enqueueDeliveryRetries(trx, endpointId, retries);
    if (disabledFor) {
      await disableEndpoint(trx, { endpointId, reason: disabledFor, actorUserId: null, notifyAdmins: true });
    }
    return outcomes;
  });
}

/** Pending deliveries of an endpoint that is no longer active fail; they can be redelivered once re-enabled. */
async function failForDisabledEndpoint(db: Db, endpointId: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: 'failed',
      next_attempt_at: null,
      last_error: 'Endpoint disabled.',
      updated_at: sql<Date>`now()`,
    })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Delivers an endpoint's due deliveries, in rounds of up to ROUND_SIZE: one query takes them, their POSTs go
 * out WEBHOOK_ENDPOINT_CONCURRENCY at a time over kept-alive connections, and one transaction records every
 * attempt. After ROUNDS_PER_JOB full rounds the rest is queued again, so one busy endpoint does not hold a worker.
 *
 * At-least-once: attempts are recorded after their requests, so a worker that dies in between leaves the
 * deliveries pending and due, and its job uncompleted; the job queue runs it again and the receiver sees the
 * same `webhook-id` twice.
 */
export async function deliverDueWebhooks(
  db: Db,
  options: DeliverOptions,
): Promise<Map<string, DeliveryOutcome>> {
  const outcomes = new Map<string, DeliveryOutcome>();
  for (let round = 0; round < ROUNDS_PER_JOB; round += 1) {
    const endpoint = await loadEndpoint(db, options.endpointId);
    if (!endpoint) return outcomes;
    if (endpoint.status !== 'active') {
      await failForDisabledEndpoint(db, endpoint.id);
      return outcomes;
    }
    const due = await dueDeliveries(db, endpoint.id, ROUND_SIZE);
    if (!due.length) return outcomes;
    const results = await sendRound(endpoint, due, options.settings);
    const sent = due.map((delivery, index) => ({ deliveryId: delivery.id, result: results[index]! }));
    for (const [id, outcome] of await recordRound(db, endpoint.id, sent, options.random))
      outcomes.set(id, outcome);
    if (due.length < ROUND_SIZE) return outcomes;
  }
  await enqueueEndpointDeliveries(db, [options.endpointId]);
  return outcomes;
}

/** The endpoint a delivery goes to, if the delivery still exists: its job delivers whatever of it is due. */
export async function endpointOfDelivery(db: Db, deliveryId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select('endpoint_id')
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  return row?.endpoint_id;
}
