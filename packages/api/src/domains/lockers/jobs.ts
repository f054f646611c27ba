import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const LOCKERS_JOBS = defineJobs({
  'lockers.expire-codes': {
    description:
      'Marks locker codes past their expires_at as EXPIRED, announces locker.expired, and forgets replay signatures older than the window',
    payload: ScheduledPayload,
  },
  'lockers.send-reminders': {
    description:
      "Queues one reminder e-mail per locker code to the order's customer when the code expires within the reminder lead time",
    payload: ScheduledPayload,
  },
});
