import { defineDomain } from '../../platform/domain';
import { grant } from '../rbac/service';
import { DEALS_EVENTS } from './events';
import { dealsRouter } from './router';

const MANAGE = ['read', 'create', 'update', 'delete'] as const;

// Merchants manage their own merchant's deals (`organization`: a colleague's deal is the merchant's too);
// operators every deal (`all`), changing platform deals and retiring any.
export const dealsDomain = defineDomain({
  name: 'deals',
  trpc: { deals: dealsRouter },
  events: DEALS_EVENTS,
  grants: {
    operator: grant(['deals'], MANAGE, 'all'),
    merchant_admin: grant(['deals'], MANAGE, 'organization'),
    merchant_user: grant(['deals'], MANAGE, 'organization'),
  },
});
