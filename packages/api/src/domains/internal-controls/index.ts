import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { grant } from '../rbac/service';
import { INTERNAL_CONTROLS_JOBS } from './jobs';
import { complianceRouter, dataIntegrityRouter, internalControlsRouter } from './router';
import { internalControlsRunDaily } from './tasks/run-daily';

export const internalControlsDomain = defineDomain({
  name: 'internal-controls',
  trpc: {
    internalControls: internalControlsRouter,
    dataIntegrity: dataIntegrityRouter,
    compliance: complianceRouter,
  },
  jobs: withHandlers(INTERNAL_CONTROLS_JOBS, { 'internal-controls.run-daily': internalControlsRunDaily }),
  cron: [{ task: 'internal-controls.run-daily', match: '30 5 * * *', identifier: 'internal-controls-daily' }],
  // Operators run the controls and keep the register; only a CFO (or a platform admin) approves a RED result.
  grants: {
    operator: [
      ...grant(['internal_controls'], ['read', 'create', 'export'], 'all'),
      ...grant(['compliance'], ['read', 'create', 'update', 'delete'], 'all'),
    ],
    finance: grant(['internal_controls', 'compliance'], ['read', 'export'], 'all'),
    cfo: [
      ...grant(['internal_controls'], ['read', 'approve', 'export'], 'all'),
      ...grant(['compliance'], ['read'], 'all'),
    ],
  },
});
