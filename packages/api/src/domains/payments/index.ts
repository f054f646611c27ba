import { defineDomain } from '../../platform/domain';
import { multisafepayWebhookRoute, stripeWebhookRoute } from './routes';

/** The PSPs: no procedures of its own (payment sessions start payments), only their inbound webhooks. */
export const paymentsDomain = defineDomain({
  name: 'payments',
  routes: [stripeWebhookRoute, multisafepayWebhookRoute],
});
