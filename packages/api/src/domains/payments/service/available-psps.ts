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
