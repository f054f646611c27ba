import type { Db } from '@ipay/db';
import { sql } from 'kysely';
import { ZodError } from 'zod';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { INTEGRATION_ERRORS } from '../errors';
import type { Actor } from '../../auth/service';
import { getProvider } from '../registry';
import type { ProviderDefinition } from '../providers/types';
import type { SyncRejection, SyncResult } from '../schemas';
import type { ShopApiSettings } from '../shop-api';

// The scheduler hands a connection's settings to runSync.
export type { ShopApiSettings };
import { findIntegration, openCredentials, shopFailureMessage, type IntegrationRow } from './connection';
import { importPlatformOrder } from './import-order';
import { merchantIdOf } from './merchant';

export const SYNC_LIMIT = 50;
const BASE_BACKOFF_MS = 15 * 60_000;
const MAX_BACKOFF_MS = 24 * 60 * 60_000;

export type SyncTrigger = 'manual' | 'schedule' | 'run_now';

/** 15 minutes after the first failure, doubling up to a day: a broken shop is not asked every 15 minutes. */
export function backoffAfter(failureCount: number): number {
  return Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, failureCount - 1), MAX_BACKOFF_MS);
}

export type SyncOutcome = { ok: true; result: SyncResult } | { ok: false; error: string };

/** Why an order was not imported, in words the merchant can act on. */
function rejectionReason(error: unknown): string {
  if (error instanceof ZodError) {
    return error.issues.map((issue) => `${issue.path.join('.') || 'order'}: ${issue.message}`).join('; ');
  }
  if (error instanceof AppError) {
    const fields = error.errors?.map((e) => `${e.field} ${e.message}`).join('; ');
    return fields || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Reads the platform's id from an order the mapper refused, when it has one where most platforms put it. */
const rawOrderId = (raw: unknown): string | null => {
  const id = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
};

async function importAll(db: Db, actor: Actor, provider: ProviderDefinition, rawOrders: unknown[]) {
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  const rejections: SyncRejection[] = [];
  const shipmentRefusals: SyncRejection[] = [];
  const reject = (platformOrderId: string | null, error: unknown) => {
    counts.rejected += 1;
    rejections.push({ platform_order_id: platformOrderId, reason: rejectionReason(error) });
  };
  for (const raw of rawOrders) {
    let mapped;
    try {
      mapped = provider.mapOrder(raw);
    } catch (error) {
      reject(rawOrderId(raw), error);
      continue;
    }
    try {
      // One transaction per order: one bad order does not undo the others.
      const { outcome, shipmentRefused } = await db
        .transaction()
        .execute((trx) => importPlatformOrder(trx, { actor, provider, mapped }));
      counts[outcome] += 1;
      if (shipmentRefused)
        shipmentRefusals.push({ platform_order_id: mapped.platformOrderId, reason: shipmentRefused });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      reject(mapped.platformOrderId, error);
    }
  }
  return { ...counts, rejections, shipment_refusals: shipmentRefusals };
}

/**
 * Pulls the latest orders of one connected integration and upserts them, recording the run in sync_runs.
 * A provider failure marks the integration `error` with the provider's message and backs it off; the next
 * successful run clears both.
 */
export async function runSync(
  db: Db,
  request: {
    integration: IntegrationRow;
    actor: Actor;
    trigger: SyncTrigger;
    settings: ShopApiSettings;
    encryptionKey: Buffer;
  },
): Promise<SyncOutcome> {
  const { integration, actor } = request;
  const provider = getProvider(integration.provider);
  const run = await db
    .insertInto('sync_runs')
    .values({
      integration_id: integration.id,
      merchant_id: integration.merchant_id,
      provider: provider.id,
      trigger: request.trigger,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let fetched: unknown[];
  try {
    const client = provider.client?.(
      openCredentials(provider, integration, request.encryptionKey),
      request.settings,
    );
    if (!client)
      throw domainError(
        INTEGRATION_ERRORS,
        'provider_has_no_client',
        `${provider.displayName} has no live API client.`,
      );
    fetched = await client.recentOrders(SYNC_LIMIT);
  } catch (error) {
    const message = shopFailureMessage(provider, error);
    if (!message) throw error;
    await recordFailure(db, { integration, runId: run.id, message });
    return { ok: false, error: message };
  }
  const counts = await importAll(db, actor, provider, fetched);
  await db
    .updateTable('sync_runs')
    .set({
      finished_at: sql<Date>`now()`,
      fetched_count: fetched.length,
      created_count: counts.created,
      updated_count: counts.updated,
    })
    .where('id', '=', run.id)
    .execute();
  await db
    .updateTable('integrations')
    .set({
      status: 'connected',
      last_error: null,
      failure_count: 0,
      next_sync_after: null,
      last_sync_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', integration.id)
    .execute();
  return { ok: true, result: { provider: provider.id, fetched: fetched.length, ...counts } };
}

async function recordFailure(
  db: Db,
  failure: { integration: IntegrationRow; runId: string; message: string },
) {
  const failures = failure.integration.failure_count + 1;
  await db
    .updateTable('sync_runs')
    .set({ finished_at: sql<Date>`now()`, error: failure.message })
    .where('id', '=', failure.runId)
    .execute();
  await db
    .updateTable('integrations')
    .set({
      status: 'error',
      last_error: failure.message,
      failure_count: failures,
      next_sync_after: new Date(Date.now() + backoffAfter(failures)),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', failure.integration.id)
    .execute();
}

/** POST …/sync: the merchant's own sync, now; a provider failure is a 503 carrying the provider's message. */
export async function syncIntegrationNow(
  db: Db,
  request: { actor: Actor; provider: string; settings: ShopApiSettings; encryptionKey: Buffer },
): Promise<SyncResult> {
  const provider = getProvider(request.provider);
  const integration = await findIntegration(db, merchantIdOf(request.actor), provider.id);
  if (!integration?.credentials_sealed) {
    throw domainError(
      INTEGRATION_ERRORS,
      'provider_not_connected',
      `${provider.displayName} is not connected: POST …/connect first.`,
    );
  }
  const outcome = await runSync(db, { ...request, integration, trigger: 'manual' });
  if (!outcome.ok) throw new AppError('service_unavailable', outcome.error);
  return outcome.result;
}
