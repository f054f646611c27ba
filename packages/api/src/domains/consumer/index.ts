import { defineDomain } from '../../platform/domain';
import { CONSUMER_EVENTS } from './events';
import { consumerRouter } from './router';

export const consumerDomain = defineDomain({
  name: 'consumer',
  trpc: { consumer: consumerRouter },
  events: CONSUMER_EVENTS,
});
