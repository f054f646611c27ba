import { defineDomain } from '../../platform/domain';
import { grant, READ } from '../rbac/service';
import { LOYALTY_CARDS_EVENTS } from './events';
import { loyaltyCardsRouter, walletLoyaltyCardsRouter } from './router';

export const loyaltyCardsDomain = defineDomain({
  name: 'loyalty-cards',
  trpc: { walletLoyaltyCards: walletLoyaltyCardsRouter, loyaltyCards: loyaltyCardsRouter },
  events: LOYALTY_CARDS_EVENTS,
  grants: {
    merchant_admin: grant(['loyalty_cards'], ['read', 'create', 'update'], 'organization'),
    merchant_user: grant(['loyalty_cards'], ['read', 'create', 'update'], 'organization'),
    operator: grant(['loyalty_cards'], READ, 'all'),
  },
});
