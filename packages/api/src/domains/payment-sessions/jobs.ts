import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const PAYMENT_SESSIONS_JOBS = defineJobs({
  'payment-sessions.expire-overdue': {
    description: 'Expires pending payment sessions past their expiry and announces session.expired',
    payload: ScheduledPayload,
  },
});
