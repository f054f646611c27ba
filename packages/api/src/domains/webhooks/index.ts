import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { WEBHOOKS_JOBS } from './jobs';
import { webhooksRouter } from './router';
import { webhooksDeliver } from './tasks/deliver';

export const webhooksDomain = defineDomain({
  name: 'webhooks',
  trpc: { webhooks: webhooksRouter },
  jobs: withHandlers(WEBHOOKS_JOBS, { 'webhooks.deliver': webhooksDeliver }),
  events: {
    'webhook.endpoint_created': { subscribable: false },
    'webhook.endpoint_updated': { subscribable: false },
    'webhook.endpoint_deleted': { subscribable: false },
    'webhook.secret_rotated': { subscribable: false },
    'webhook.endpoint_disabled': { subscribable: true },
    'webhook.test': { subscribable: true },
  },
});
