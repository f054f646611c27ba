import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { ALL_ACTIONS, grant, READ } from '../rbac/service';
import { cardActivatePage, cardPage } from './card-page-route';
import { BENEFIT_CARDS_JOBS } from './jobs';
import { benefitCardsRouter } from './router';
import { benefitCardsDeliverCard } from './tasks/deliver-card';
import { benefitCardsProcessOrder } from './tasks/process-order';
import { BENEFIT_CARD_EVENTS } from './events';

export const benefitCardsDomain = defineDomain({
  name: 'benefit-cards',
  trpc: { benefitCards: benefitCardsRouter },
  jobs: withHandlers(BENEFIT_CARDS_JOBS, {
    'benefit-cards.process-order': benefitCardsProcessOrder,
    'benefit-cards.deliver-card': benefitCardsDeliverCard,
  }),
  grants: {
    sponsor_admin: grant(['benefit_cards'], ALL_ACTIONS, 'organization'),
    sponsor_user: grant(['benefit_cards'], READ, 'organization'),
  },
  events: BENEFIT_CARD_EVENTS,
  pages: [cardPage, cardActivatePage],
});
