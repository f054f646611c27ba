import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const MAINTENANCE_JOBS = defineJobs({
  'maintenance.purge-expired': {
    description: 'Deletes expired idempotency keys, rate-limit windows and event-stream tickets',
    payload: ScheduledPayload,
  },
});
