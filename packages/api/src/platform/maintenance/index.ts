import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../domain';
import { livenessRoute, readinessRoute } from './health-routes';
import { MAINTENANCE_JOBS } from './jobs';
import { maintenancePurgeExpired } from './tasks/purge-expired';

/** Not a business domain: the platform's own routes (health) and housekeeping, declared like one. */
export const maintenanceModule = defineDomain({
  name: 'maintenance',
  routes: [livenessRoute, readinessRoute],
  jobs: withHandlers(MAINTENANCE_JOBS, { 'maintenance.purge-expired': maintenancePurgeExpired }),
  cron: [{ task: 'maintenance.purge-expired', match: '17 * * * *', identifier: 'purge-expired-hourly' }],
});
