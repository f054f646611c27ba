import { randomUUID } from 'node:crypto';
import type { Db } from '@ipay/db';
import type { Config } from '../../../config';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_ERRORS } from '../errors';
import { type Psp, type StartedPayment, type StartPaymentInput } from '../../payment-sessions/schemas';
import { sessionForPayToken } from '../../payment-sessions/service/public-session';
import { lockSession, markPaymentStarted, sessionStatusOf } from '../../payment-sessions/service/transitions';
import { amountDueMinor } from '../../payment-sessions/service/wallet-part';
import { availablePsps } from './available-psps';
import { MultiSafepayClient } from '../multisafepay';
import { recordPayment } from './record-payment';
import { createCheckoutSession, createStripeClient } from '../stripe';

function choosePsp(config: Config, requested: Psp | undefined): Psp {
  const available = availablePsps(config.payments);
  const psp = requested ?? available[0];
  if (!psp)
    throw domainError(
      PAYMENT_ERRORS,
      'psp_not_configured',
      'No payment provider is configured (set STRIPE_SECRET_KEY or MULTISAFEPAY_API_KEY).',
    );
  if (!available.includes(psp)) {
    throw AppError.validation(
      'psp',
      `is not available here; choose one of: ${available.join(', ') || 'none'}`,
      'unavailable',
    );
  }
  return psp;
}

async function recordStart(
  db: Db,
  sessionId: string,
  start: { psp: Psp; checkoutId: string | null; payerAttemptHash?: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const session = await lockSession(trx, { id: sessionId });
    if (!session || session.status !== 'PENDING_PAYMENT') return;
    await markPaymentStarted(trx, session, start);
  });
}

/**
 * Starts paying a session from its pay link: a Stripe Checkout Session, a MultiSafepay order, or, where
 * allowed, a simulated payment that goes through exactly the code path of a PSP webhook.
 */
export async function startPayment(
  db: Db,
  config: Config,
  input: StartPaymentInput,
  payer: { attemptHash?: string } = {},
): Promise<StartedPayment> {
  const payerAttemptHash = payer.attemptHash;
  const session = await sessionForPayToken(db, input.token);
  if (session.status !== 'PENDING_PAYMENT') {
    throw domainError(
      PAYMENT_ERRORS,
      'session_not_payable',
      `This session is ${session.status}; there is nothing left to pay.`,
    );
  }
  const psp = choosePsp(config, input.psp);
  const payPage = `${config.publicUrl}/pay/${input.token}`;
  const description = `IPAY payment ${session.reference}`;
  // What the consumer's wallet holds of the session is not charged again.
  const amountMinor = amountDueMinor(session);

  if (psp === 'stripe' && config.payments.stripe) {
    const checkout = await createCheckoutSession(createStripeClient(config.payments.stripe), {
      sessionId: session.id,
      reference: session.reference,
      amountMinor,
      currency: session.currency,
      description,
      successUrl: `${payPage}?payment=success`,
      cancelUrl: `${payPage}?payment=cancelled`,
    });
    await recordStart(db, session.id, { psp: 'stripe', checkoutId: checkout.id, payerAttemptHash });
    return { psp, status: 'PENDING_PAYMENT', redirect_url: checkout.url };
  }
  if (psp === 'multisafepay' && config.payments.multisafepay) {
    const order = await new MultiSafepayClient(config.payments.multisafepay).createOrder({
      reference: session.reference,
      amountMinor,
      currency: session.currency,
      description,
      notificationUrl: `${config.publicUrl}/api/webhooks/multisafepay`,
      redirectUrl: `${payPage}?payment=success`,
      cancelUrl: `${payPage}?payment=cancelled`,
    });
    await recordStart(db, session.id, {
      psp: 'multisafepay',
      checkoutId: session.reference,
      payerAttemptHash,
    });
    return { psp, status: 'PENDING_PAYMENT', redirect_url: order.paymentUrl };
  }

  await recordStart(db, session.id, { psp: 'simulate', checkoutId: null, payerAttemptHash });
  const paymentId = `sim_${randomUUID()}`;
  await db.transaction().execute((trx) =>
    recordPayment(trx, {
      psp: 'simulate',
      eventId: paymentId,
      eventType: 'simulated.payment_succeeded',
      reference: session.reference,
      pspPaymentId: paymentId,
      outcome: 'succeeded',
      amountMinor,
      currency: session.currency,
      paymentMethod: 'simulated',
    }),
  );
  return { psp, status: await sessionStatusOf(db, session.id), redirect_url: null };
}
