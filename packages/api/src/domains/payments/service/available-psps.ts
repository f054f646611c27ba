import type { PaymentConfig } from '../../../config';
import type { Psp } from '../../payment-sessions/schemas';

/** The ways to pay, in order of preference: real PSPs first, the simulator only where it is allowed. */
export function availablePsps(payments: PaymentConfig): Psp[] {
  const psps: Psp[] = [];
  if (payments.stripe) psps.push('stripe');
  if (payments.multisafepay) psps.push('multisafepay');
  if (payments.simulation) psps.push('simulate');
  return psps;
}

/**
 * The origins of the PSPs' payment pages, where a Pay form's redirect leads (a page's CSP `form-action`).
 * Stripe Checkout is always on checkout.stripe.com; MultiSafepay's live and test environments have their own.
 */
export function pspPaymentOrigins(options: readonly Psp[], payments: PaymentConfig): string[] {
  const origins: string[] = [];
  if (options.includes('stripe')) origins.push('https://checkout.stripe.com');
  if (options.includes('multisafepay')) {
    const test = payments.multisafepay?.apiUrl.includes('testapi.') ?? false;
    origins.push(test ? 'https://testpayv2.multisafepay.com' : 'https://payv2.multisafepay.com');
  }
  return origins;
}
