import { defineDomain } from '../../platform/domain';
import { grant } from '../rbac/service';
import { WALLET_EVENTS } from './events';
import { walletAdminRouter, walletRouter } from './router';

export const walletDomain = defineDomain({
  name: 'wallet',
  trpc: { wallet: walletRouter, walletAdmin: walletAdminRouter },
  events: WALLET_EVENTS,
  grants: {
    operator: grant(['wallet_ledger'], ['read', 'create'], 'all'),
    finance: grant(['wallet_ledger'], ['read'], 'all'),
  },
});
