import Stripe from 'stripe';
import type { PaymentConfig } from '../../config';
import { AppError } from '../../errors/app-error';
import type { PaymentNotice } from './service/record-payment';

type StripeSettings = NonNullable<PaymentConfig['stripe']>;

/** The real `stripe` client; STRIPE_API_URL points it elsewhere (tests use a local fake speaking Stripe's API). */
export function createStripeClient(settings: StripeSettings): Stripe {
  const base = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(base
      ? {
          host: base.hostname,
          port: base.port || undefined,
          protocol: base.protocol.replace(':', '') as 'http' | 'https',
        }
      : {}),
  });
}

export interface CheckoutRequest {
  sessionId: string;
  reference: string;
  amountMinor: number;
  currency: string;
  description: string;
  successUrl: string;
  cancelUrl: string;
}

/** One Checkout Session per payment session and amount due: Stripe's idempotency key makes a repeated start return the same one. */
export async function createCheckoutSession(
  stripe: Stripe,
  request: CheckoutRequest,
): Promise<{ id: string; url: string }> {
  const metadata = { ipay_reference: request.reference, ipay_session_id: request.sessionId };
  const checkout = await stripe.checkout.sessions.create(
    {
      mode: 'payment',
      client_reference_id: request.reference,
      line_items: [
        {
          quantity: 1,
          price_data: {
            currency: request.currency.toLowerCase(),
            unit_amount: request.amountMinor,
            product_data: { name: request.description },
          },
        },
      ],
      metadata,
      payment_intent_data: { metadata },
      success_url: request.successUrl,
      cancel_url: request.cancelUrl,
    },
    // Per amount: a wallet part held after a first start changes what is charged, and Stripe refuses a key
    // reused with other parameters.
    { idempotencyKey: `ipay-checkout-${request.sessionId}-${request.amountMinor}` },
  );
  if (!checkout.url)
    throw new AppError('service_unavailable', 'Stripe returned a Checkout Session without a URL.');
  return { id: checkout.id, url: checkout.url };
}

/**
 * Refunds `amountMinor` of a payment intent (all of it, or what is left after earlier parts); the idempotency
 * key makes a retried refund return the first one.
 */
export async function refundPaymentIntent(
  stripe: Stripe,
  paymentIntentId: string,
  paymentId: string,
  refund: { amountMinor: number; idempotencyKey: string },
): Promise<string> {
  if (!paymentIntentId.startsWith('pi_')) {
    throw new AppError('conflict', `Stripe payment ${paymentIntentId} has no payment intent to refund.`);
  }
  const created = await stripe.refunds.create(
    { payment_intent: paymentIntentId, metadata: { ipay_payment_id: paymentId }, amount: refund.amountMinor },
    { idempotencyKey: `ipay-refund-${refund.idempotencyKey}` },
  );
  return created.id;
}

/** Verifies the Stripe-Signature header on the raw body (300 s tolerance); any failure is a 401. */
export function verifyStripeEvent(
  stripe: Stripe,
  rawBody: Buffer,
  signature: string | undefined,
  secret: string,
): Stripe.Event {
  if (!signature) throw new AppError('unauthenticated', 'Missing Stripe-Signature header.');
  try {
    return stripe.webhooks.constructEvent(rawBody, signature, secret, 300);
  } catch {
    throw new AppError('unauthenticated', 'The Stripe signature does not match this body.');
  }
}

function referenceOf(metadata: Stripe.Metadata | null | undefined): string | undefined {
  return metadata?.ipay_reference ?? undefined;
}

/** The payment a Stripe event reports, or undefined for events that do not move money. */
export function paymentNoticeFromStripe(event: Stripe.Event): PaymentNotice | undefined {
  const base = { psp: 'stripe' as const, eventId: event.id, eventType: event.type };
  switch (event.type) {
    case 'checkout.session.completed': {
      const checkout = event.data.object;
      const reference = referenceOf(checkout.metadata);
      if (!reference || checkout.payment_status !== 'paid') return undefined;
      const intent =
        typeof checkout.payment_intent === 'string' ? checkout.payment_intent : checkout.payment_intent?.id;
      return {
        ...base,
        reference,
        pspPaymentId: intent ?? checkout.id,
        outcome: 'succeeded',
        amountMinor: checkout.amount_total ?? 0,
        currency: checkout.currency ?? '',
        paymentMethod: checkout.payment_method_types?.[0] ?? null,
      };
    }
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const reference = referenceOf(intent.metadata);
      if (!reference) return undefined;
      const succeeded = event.type === 'payment_intent.succeeded';
      return {
        ...base,
        reference,
        pspPaymentId: intent.id,
        outcome: succeeded ? 'succeeded' : 'failed',
        amountMinor: succeeded ? intent.amount_received : intent.amount,
        currency: intent.currency,
        paymentMethod: intent.payment_method_types?.[0] ?? null,
        failureReason: succeeded ? null : (intent.last_payment_error?.message ?? 'payment failed'),
      };
    }
    default:
      return undefined;
  }
}
