import { defineDomain } from '../../platform/domain';
import { CONSUMER_EVENTS } from './events';
import { consumerParcelsPage } from './parcels-page-route';
import { consumerRouter } from './router';
import { consumerWalletPayPage } from './wallet-pay-page-route';
import {
  consumerConfirmPage,
  consumerConfirmSubmitPage,
  consumerSignInPage,
  consumerSignInRequestPage,
  consumerSignOutPage,
} from './sign-in-page-route';

export const consumerDomain = defineDomain({
  name: 'consumer',
  trpc: { consumer: consumerRouter },
  events: CONSUMER_EVENTS,
  pages: [
    consumerSignInPage,
    consumerSignInRequestPage,
    consumerConfirmPage,
    consumerConfirmSubmitPage,
    consumerParcelsPage,
    consumerWalletPayPage,
    consumerSignOutPage,
  ],
});
