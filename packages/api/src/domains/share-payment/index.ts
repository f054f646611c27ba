import { defineDomain } from '../../platform/domain';
import { sharePaymentRouter } from './router';
import { sharePage, sharePayPage } from './share-page-route';

export const sharePaymentDomain = defineDomain({
  name: 'share-payment',
  trpc: { sharePayment: sharePaymentRouter },
  pages: [sharePage, sharePayPage],
});
