import { sql } from 'kysely';
import type { Db, DbExecutor } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { enqueueJob } from '../../jobs/enqueue';
import { toTimestamp } from '../../platform/time';
import { getActor } from '../auth/service';
import { selectIntegrations } from '../integrations/service/connection';
import { runSync, type ShopApiSettings, type SyncOutcome } from '../integrations/service/sync';
import {
  SCHEDULE_CRON,
  type RunNowResult,
  type SchedulerStatus,
  type SchedulerSummary,
  type SyncLog,
  type SyncLogInput,
} from './schemas';

const INTERVAL_MS = 15 * 60_000;
const LOG_PER_INTEGRATION = 100;

/**
 * One scheduler pass: a sync job per connected integration, keyed and queued per merchant × provider so two
 * syncs of one integration never run at once. The cron skips integrations backing off after failures; an
 * operator's run-now does not.
 */
export async function enqueueSyncs(db: Db, trigger: 'schedule' | 'run_now'): Promise<RunNowResult> {
  return db.transaction().execute(async (trx) => {
    const connected = await trx
      .selectFrom('integrations')
      .select(['id', 'merchant_id', 'provider', 'next_sync_after'])
      .where('credentials_sealed', 'is not', null)
      .where('status', 'in', ['connected', 'error'])
      .execute();
    const now = new Date();
    const due = connected.filter(
      (i) => trigger === 'run_now' || !i.next_sync_after || i.next_sync_after <= now,
    );
    for (const integration of due) {
      const key = `integration-sync:${integration.merchant_id}:${integration.provider}`;
      await enqueueJob(
        trx,
        'integrations.sync',
        { integrationId: integration.id, trigger },
        { jobKey: key, queueName: key },
      );
    }
    const result = { syncs_enqueued: due.length, backing_off: connected.length - due.length };
    await trx
      .insertInto('scheduler_passes')
      .values({ trigger, syncs_enqueued: result.syncs_enqueued, backing_off: result.backing_off })
      .execute();
    return result;
  });
}

/** The job behind a scheduled sync: syncs on behalf of the user who connected the shop. */
export async function runScheduledSync(
  db: Db,
  request: {
    integrationId: string;
    trigger: 'schedule' | 'run_now';
    settings: ShopApiSettings;
    encryptionKey: Buffer;
  },
): Promise<SyncOutcome | 'gone'> {
  const integration = await selectIntegrations(db).where('id', '=', request.integrationId).executeTakeFirst();
  if (!integration?.credentials_sealed) return 'gone';
  const actor = integration.connected_by
    ? await getActor(db, { userId: integration.connected_by, organizationId: integration.merchant_id })
    : undefined;
  if (!actor) {
    throw new AppError(
      'conflict',
      `The user who connected ${integration.provider} is no longer active; reconnect it.`,
    );
  }
  return runSync(db, {
    integration,
    actor,
    trigger: request.trigger,
    settings: request.settings,
    encryptionKey: request.encryptionKey,
  });
}

function nextQuarterHour(now: Date): Date {
  return new Date(Math.floor(now.getTime() / INTERVAL_MS) * INTERVAL_MS + INTERVAL_MS);
}

export async function getSchedulerStatus(db: DbExecutor, now = new Date()): Promise<SchedulerStatus> {
  const last = await db
    .selectFrom('scheduler_passes')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const runs = last
    ? await db
        .selectFrom('sync_runs')
        .select([
          sql<number>`count(*) filter (where finished_at is not null)::int`.as('finished'),
          sql<number>`count(*) filter (where error is not null)::int`.as('failed'),
        ])
        .where('started_at', '>=', last.started_at)
        .where('trigger', '=', last.trigger)
        .executeTakeFirstOrThrow()
    : undefined;
  const integrations = await db
    .selectFrom('integrations')
    .select([
      sql<number>`count(*) filter (where credentials_sealed is not null)::int`.as('connected'),
      sql<number>`count(*) filter (where status = 'error')::int`.as('failing'),
    ])
    .executeTakeFirstOrThrow();
  const lastScheduled = await db
    .selectFrom('scheduler_passes')
    .select('started_at')
    .where('trigger', '=', 'schedule')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    running:
      lastScheduled !== undefined && now.getTime() - lastScheduled.started_at.getTime() < 2 * INTERVAL_MS,
    schedule: SCHEDULE_CRON,
    next_run_at: toTimestamp(nextQuarterHour(now)),
    last_run: last
      ? {
          trigger: last.trigger,
          started_at: toTimestamp(last.started_at),
          syncs_enqueued: last.syncs_enqueued,
          backing_off: last.backing_off,
          syncs_finished: runs?.finished ?? 0,
          syncs_failed: runs?.failed ?? 0,
        }
      : null,
    connected_integrations: integrations.connected,
    integrations_in_error: integrations.failing,
  };
}

/** The latest 100 runs of each merchant × provider, newest first. */
export async function getSyncLog(db: DbExecutor, input: SyncLogInput): Promise<SyncLog> {
  let ranked = db
    .selectFrom('sync_runs')
    .selectAll()
    .select(
      sql<number>`row_number() over (partition by merchant_id, provider order by started_at desc)`.as('rank'),
    );
  if (input.merchant_id) ranked = ranked.where('merchant_id', '=', input.merchant_id);
  if (input.provider) ranked = ranked.where('provider', '=', input.provider);
  const rows = await db
    .selectFrom(ranked.as('ranked'))
    .selectAll()
    .where('rank', '<=', LOG_PER_INTEGRATION)
    .orderBy('started_at', 'desc')
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      merchant_id: row.merchant_id,
      provider: row.provider,
      trigger: row.trigger,
      started_at: toTimestamp(row.started_at),
      finished_at: row.finished_at ? toTimestamp(row.finished_at) : null,
      fetched: row.fetched_count,
      created: row.created_count,
      updated: row.updated_count,
      error: row.error,
    })),
  };
}

export async function getSchedulerSummary(db: DbExecutor): Promise<SchedulerSummary> {
  const rows = await db
    .selectFrom('sync_runs')
    .select([
      'provider',
      sql<number>`count(*)::int`.as('runs'),
      sql<number>`count(*) filter (where error is not null)::int`.as('failures'),
      sql<number>`coalesce(sum(created_count), 0)::int`.as('orders_imported'),
      sql<Date | null>`max(finished_at) filter (where error is null and finished_at is not null)`.as(
        'last_success',
      ),
    ])
    .groupBy('provider')
    .orderBy('provider')
    .execute();
  return {
    items: rows.map((row) => ({
      provider: row.provider,
      runs: row.runs,
      failures: row.failures,
      orders_imported: row.orders_imported,
      last_success_at: row.last_success ? toTimestamp(row.last_success) : null,
    })),
  };
}
