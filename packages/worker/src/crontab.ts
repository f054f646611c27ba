import { parseCronItems, type ParsedCronItem } from 'graphile-worker';
import type { JobName } from '@ipay/api';

interface Schedule {
  task: JobName;
  /** Standard five-field cron, UTC. */
  match: string;
  identifier: string;
}

const SCHEDULES: Schedule[] = [
  {
    task: 'integrations.schedule-syncs',
    match: '*/15 * * * *',
    identifier: 'integration-syncs-every-15-minutes',
  },
  {
    task: 'payment-sessions.expire-overdue',
    match: '*/5 * * * *',
    identifier: 'expire-sessions-every-5-minutes',
  },
  { task: 'maintenance.purge-expired', match: '17 * * * *', identifier: 'purge-expired-hourly' },
  {
    task: 'orders.fail-abandoned-uploads',
    match: '37 * * * *',
    identifier: 'fail-abandoned-uploads-hourly',
  },
];

export function cronItems(): ParsedCronItem[] {
  return parseCronItems(SCHEDULES.map((s) => ({ ...s, options: { backfillPeriod: 0 } })));
}
