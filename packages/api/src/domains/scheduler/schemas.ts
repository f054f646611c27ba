import { z } from 'zod';
import { Timestamp } from '../../platform/time';

export const SCHEDULE_CRON = '*/15 * * * *';
export const SYNC_TRIGGERS = ['manual', 'schedule', 'run_now'] as const;

export const SchedulerStatus = z
  .object({
    running: z.boolean().describe('Whether a pass has run within two intervals (a worker process is alive)'),
    schedule: z.string().describe('Cron expression of the pass, UTC'),
    next_run_at: Timestamp,
    last_run: z
      .object({
        trigger: z.enum(['schedule', 'run_now']),
        started_at: Timestamp,
        syncs_enqueued: z.number().int(),
        backing_off: z
          .number()
          .int()
          .describe('Integrations skipped because they are backing off after failures'),
        syncs_finished: z.number().int(),
        syncs_failed: z.number().int(),
      })
      .nullable(),
    connected_integrations: z.number().int(),
    integrations_in_error: z.number().int(),
  })
  .meta({ id: 'SchedulerStatus' });
export type SchedulerStatus = z.infer<typeof SchedulerStatus>;

export const RunNowResult = z.object({ syncs_enqueued: z.number().int(), backing_off: z.number().int() });
export type RunNowResult = z.infer<typeof RunNowResult>;

export const SyncLogInput = z.object({
  merchant_id: z.uuid().optional(),
  provider: z.string().max(40).optional(),
});
export type SyncLogInput = z.infer<typeof SyncLogInput>;

export const SyncRun = z.object({
  id: z.uuid(),
  merchant_id: z.uuid(),
  provider: z.string(),
  trigger: z.enum(SYNC_TRIGGERS),
  started_at: Timestamp,
  finished_at: Timestamp.nullable(),
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  error: z.string().nullable(),
});
export const SyncLog = z.object({ items: z.array(SyncRun) }).meta({ id: 'SyncLog' });
export type SyncLog = z.infer<typeof SyncLog>;

export const ProviderSummary = z.object({
  provider: z.string(),
  runs: z.number().int(),
  failures: z.number().int(),
  orders_imported: z.number().int(),
  last_success_at: Timestamp.nullable(),
});
export const SchedulerSummary = z
  .object({ items: z.array(ProviderSummary) })
  .meta({ id: 'SchedulerSummary' });
export type SchedulerSummary = z.infer<typeof SchedulerSummary>;
