import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { WEBHOOKS_JOBS } from './jobs';
import { webhooksRouter } from './router';
import { webhooksDeliver, webhooksDeliverEndpoint } from './tasks/deliver';
import { WEBHOOK_EVENTS } from './events';

export const webhooksDomain = defineDomain({
  name: 'webhooks',
  trpc: { webhooks: webhooksRouter },
  jobs: withHandlers(WEBHOOKS_JOBS, {
    'webhooks.deliver': webhooksDeliver,
    'webhooks.deliver-endpoint': webhooksDeliverEndpoint,
  }),
  events: WEBHOOK_EVENTS,
});
