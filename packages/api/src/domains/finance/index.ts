import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { FINANCE_JOBS } from './jobs';
import { financeRouter } from './router';
import { financeBuildDailyBatch } from './tasks/build-daily-batch';
import { financePostToExact } from './tasks/post-to-exact';

/**
 * Daily accounting batches (Europe/Amsterdam days) with maker-checker approval, posted to Exact Online, and the
 * reconciliation of accrued against settled cash; see docs/domains/finance.md. The finance system role holds
 * `finance_batches` and `finance_reconciliation` (system-roles.ts); operators read them.
 */
export const financeDomain = defineDomain({
  name: 'finance',
  trpc: { finance: financeRouter },
  jobs: withHandlers(FINANCE_JOBS, {
    'finance.build-daily-batch': financeBuildDailyBatch,
    'finance.post-to-exact': financePostToExact,
  }),
  cron: [
    {
      task: 'finance.build-daily-batch',
      // 02:30 UTC: yesterday in Amsterdam has ended in both winter and summer time.
      match: '30 2 * * *',
      identifier: 'finance-build-daily-batch',
    },
  ],
});
