import { defineDomain } from '../../platform/domain';
import { eventsRouter } from './router';
import { eventStreamRoute } from './stream-route';

export const eventsDomain = defineDomain({
  name: 'events',
  trpc: { events: eventsRouter },
  routes: [eventStreamRoute],
});
