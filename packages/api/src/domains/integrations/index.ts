import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { INTEGRATIONS_JOBS } from './jobs';
import { integrationsRouter } from './router';
import { integrationsProcessWebhook } from './tasks/process-webhook';
import { integrationsScheduleSyncs } from './tasks/schedule-syncs';
import { integrationsSync } from './tasks/sync';
import { shopWebhookRoute } from './webhook-route';

export const integrationsDomain = defineDomain({
  name: 'integrations',
  trpc: { integrations: integrationsRouter },
  routes: [shopWebhookRoute],
  jobs: withHandlers(INTEGRATIONS_JOBS, {
    'integrations.schedule-syncs': integrationsScheduleSyncs,
    'integrations.sync': integrationsSync,
    'integrations.process-webhook': integrationsProcessWebhook,
  }),
  cron: [
    {
      task: 'integrations.schedule-syncs',
      match: '*/15 * * * *',
      identifier: 'integration-syncs-every-15-minutes',
    },
  ],
});
