import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const POINTS_JOBS = defineJobs({
  'points.expire-due': {
    description: 'Expires the points lots whose validity has ended, one `expired` history entry per lot',
    payload: ScheduledPayload,
  },
});
