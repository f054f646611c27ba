import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { grant } from '../rbac/service';
import { LOCKER_EVENTS } from './events';
import { LOCKERS_JOBS } from './jobs';
import { lockersAdminRouter } from './router';
import { carrierIssueCodeRoute, issueCodeRoute } from './routes';
import { lockersExpireCodes } from './tasks/expire-codes';
import { lockersSendReminders } from './tasks/send-reminders';

export const lockersDomain = defineDomain({
  name: 'lockers',
  trpc: { lockersAdmin: lockersAdminRouter },
  routes: [issueCodeRoute, carrierIssueCodeRoute],
  jobs: withHandlers(LOCKERS_JOBS, {
    'lockers.expire-codes': lockersExpireCodes,
    'lockers.send-reminders': lockersSendReminders,
  }),
  cron: [
    {
      task: 'lockers.expire-codes',
      match: '*/5 * * * *',
      identifier: 'lockers-expire-codes-every-5-minutes',
    },
    {
      task: 'lockers.send-reminders',
      match: '*/15 * * * *',
      identifier: 'lockers-send-reminders-every-15-minutes',
    },
  ],
  events: LOCKER_EVENTS,
  grants: { operator: grant(['lockers'], ['read', 'update'], 'all') },
});
