import { defineDomain } from '../../platform/domain';
import { PARTNER_EVENTS } from './events';
import { partnersRouter } from './router';

export const partnersDomain = defineDomain({
  name: 'partners',
  trpc: { partners: partnersRouter },
  events: PARTNER_EVENTS,
});
