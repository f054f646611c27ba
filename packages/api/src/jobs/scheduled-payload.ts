import { z } from 'zod';

/**
 * The payload of a task the crontab runs: graphile-worker adds `_cron` (when the run was due, and whether it
 * is a backfill) to every job it schedules; run by hand (`pnpm ipay jobs add`, run-now) it is empty.
 */
export const ScheduledPayload = z
  .object({ _cron: z.object({ ts: z.string(), backfilled: z.boolean() }).strict().optional() })
  .strict();
