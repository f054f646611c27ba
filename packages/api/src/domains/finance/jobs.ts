import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const FINANCE_JOBS = defineJobs({
  'finance.build-daily-batch': {
    description:
      "Builds the accounting batch of an Amsterdam day (yesterday's when run by the crontab): a new revision only when the day's lines changed",
    payload: z
      .object({
        day: z.iso.date().optional().describe('The day to build; default yesterday in Europe/Amsterdam'),
        triggeredBy: z.uuid().optional().describe('The user who asked for the build: they cannot approve it'),
        _cron: z.object({ ts: z.string(), backfilled: z.boolean() }).strict().optional(),
      })
      .strict(),
  },
  'finance.post-to-exact': {
    description:
      'Posts an approved batch to Exact Online entry by entry, skipping entries Exact already holds; reschedules itself while a rate limit is spent',
    payload: z.object({ batchId: z.uuid() }).strict(),
  },
});
