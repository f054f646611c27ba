import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { EVENTS_JOBS } from './jobs';
import { eventsRouter } from './router';
import { eventStreamRoute } from './stream-route';
import { eventsDispatch } from './tasks/dispatch';

export const eventsDomain = defineDomain({
  name: 'events',
  trpc: { events: eventsRouter },
  routes: [eventStreamRoute],
  jobs: withHandlers(EVENTS_JOBS, { 'events.dispatch': eventsDispatch }),
});
