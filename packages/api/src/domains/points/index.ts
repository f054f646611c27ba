import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { grant } from '../rbac/service';
import { POINTS_EVENTS } from './events';
import { POINTS_JOBS } from './jobs';
import { pointsAdminRouter, pointsMerchantRouter, pointsRouter } from './router';
import { pointsExpireDue } from './tasks/expire-due';

export const pointsDomain = defineDomain({
  name: 'points',
  trpc: { points: pointsRouter, pointsMerchant: pointsMerchantRouter, pointsAdmin: pointsAdminRouter },
  jobs: withHandlers(POINTS_JOBS, { 'points.expire-due': pointsExpireDue }),
  cron: [{ task: 'points.expire-due', match: '15 0 * * *', identifier: 'expire-points-daily' }],
  events: POINTS_EVENTS,
  grants: {
    operator: grant(['points_rules'], ['read', 'update'], 'all'),
    merchant_admin: grant(['points_rules'], ['read', 'update'], 'organization'),
    merchant_user: grant(['points_rules'], ['read'], 'organization'),
  },
});
