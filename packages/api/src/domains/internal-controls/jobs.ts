import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const INTERNAL_CONTROLS_JOBS = defineJobs({
  'internal-controls.run-daily': {
    description:
      'Runs every daily control and stores the day’s results, takes the data-integrity snapshots (keeping 30 days) and e-mails the digest to the finance group once per day',
    payload: ScheduledPayload,
  },
});
