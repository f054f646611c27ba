import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { startFakeStripe } from './fake-stripe';
import type { FakeServer } from './fake-server';
import { http, type HttpResponse } from './http';
import { createTestPlatform, type TestPlatform } from './platform';

/** The webhook secret the Stripe test platform verifies with; a test signs with another to forge. */
export const STRIPE_TEST_WEBHOOK_SECRET = 'whsec_test_ipay_platform';

const stripe = new Stripe('sk_test_local');

/** A platform that takes card payments through Stripe only (no simulator), pointed at a local fake Stripe. */
export async function createStripeTestPlatform(): Promise<{
  platform: TestPlatform;
  fakeStripe: FakeServer;
  close: () => Promise<void>;
}> {
  const fakeStripe = await startFakeStripe();
  const platform = await createTestPlatform({
    env: {
      STRIPE_SECRET_KEY: 'sk_test_local',
      STRIPE_WEBHOOK_SECRET: STRIPE_TEST_WEBHOOK_SECRET,
      STRIPE_API_URL: fakeStripe.url,
      PAYMENT_SIMULATION: 'off',
    },
  });
  return {
    platform,
    fakeStripe,
    close: async () => {
      await platform.close();
      await fakeStripe.close();
    },
  };
}

/** Stripe's `checkout.session.completed` for a session paid by card, as Stripe posts it. */
export function stripeCheckoutCompleted(
  reference: string,
  options: { id?: string; amount?: number; intent?: string } = {},
) {
  return {
    id: options.id ?? `evt_${randomUUID()}`,
    object: 'event',
    type: 'checkout.session.completed',
    data: {
      object: {
        id: `cs_test_${randomUUID()}`,
        object: 'checkout.session',
        payment_status: 'paid',
        payment_intent: options.intent ?? `pi_${randomUUID()}`,
        amount_total: options.amount ?? 4993,
        currency: 'eur',
        payment_method_types: ['card'],
        metadata: { ipay_reference: reference },
      },
    },
  };
}

/** Posts an event to the Stripe webhook with a `Stripe-Signature` made by the `stripe` library itself. */
export function deliverStripeEvent(
  platform: TestPlatform,
  event: unknown,
  secret = STRIPE_TEST_WEBHOOK_SECRET,
): Promise<HttpResponse<any>> {
  const payload = JSON.stringify(event);
  return http(platform.baseUrl, 'POST', '/api/payments/webhook', {
    rawBody: payload,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret }),
    },
  });
}
