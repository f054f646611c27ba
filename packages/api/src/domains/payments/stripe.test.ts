import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStripeTestPlatform,
  createTestPaymentSession,
  createTestPlatformAdmin,
  deliverStripeEvent,
  http,
  STRIPE_TEST_WEBHOOK_SECRET,
  stripeCheckoutCompleted,
  type FakeServer,
  type TestPlatform,
} from '../../testing';

describe('paying with Stripe', () => {
  let platform: TestPlatform;
  let fakeStripe: FakeServer;
  let close: () => Promise<void>;
  const stripe = new Stripe('sk_test_local');

  beforeAll(async () => {
    ({ platform, fakeStripe, close } = await createStripeTestPlatform());
  });
  afterAll(() => close());

  function intentEvent(
    type: 'payment_intent.succeeded' | 'payment_intent.payment_failed',
    reference: string,
    intent: string,
  ) {
    return {
      id: `evt_${crypto.randomUUID()}`,
      object: 'event',
      type,
      data: {
        object: {
          id: intent,
          object: 'payment_intent',
          amount: 4993,
          amount_received: type === 'payment_intent.succeeded' ? 4993 : 0,
          currency: 'eur',
          payment_method_types: ['card'],
          metadata: { ipay_reference: reference },
          last_payment_error:
            type === 'payment_intent.payment_failed' ? { message: 'Your card was declined.' } : null,
        },
      },
    };
  }

  const deliver = (event: unknown, secret?: string) => deliverStripeEvent(platform, event, secret);

  async function sessionState(id: string, token: string) {
    return (await http(platform.baseUrl, 'GET', `/api/payment-sessions/${id}`, { token })).body;
  }

  it('creates a Checkout Session with the reference in its metadata and returns its URL', async () => {
    const { session, token } = await createTestPaymentSession(platform);
    const view = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(view.body.payment_options).toEqual(['stripe']);
    const started = await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, { body: {} });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ psp: 'stripe', status: 'PENDING_PAYMENT' });
    expect(started.body.redirect_url).toMatch(/^https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_/);
    const sent = new URLSearchParams(fakeStripe.requests.at(-1)!.body);
    expect(Object.fromEntries(sent)).toMatchObject({
      mode: 'payment',
      'line_items[0][price_data][unit_amount]': '4993',
      'line_items[0][price_data][currency]': 'eur',
      'metadata[ipay_reference]': session.ipay_reference_18,
      'metadata[ipay_session_id]': session.id,
      'payment_intent_data[metadata][ipay_reference]': session.ipay_reference_18,
      success_url: `${platform.config.publicUrl}/pay/${token}?payment=success`,
    });
    const again = await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, { body: {} });
    expect(again.body.redirect_url).toBe(started.body.redirect_url);
    const simulated = await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, {
      body: { psp: 'simulate' },
    });
    expect(simulated.status).toBe(400);
    expect(simulated.body.errors[0].field).toBe('psp');
  });

  it('marks the session paid on checkout.session.completed, once, whatever arrives after', async () => {
    const { merchant, session } = await createTestPaymentSession(platform);
    const intent = `pi_${crypto.randomUUID()}`;
    const completed = stripeCheckoutCompleted(session.ipay_reference_18, { intent });
    const first = await deliver(completed);
    expect(first.body).toEqual({ received: true, handled: true, outcome: 'paid' });
    expect((await deliver(completed)).body.outcome).toBe('duplicate');
    expect(
      (await deliver(intentEvent('payment_intent.succeeded', session.ipay_reference_18, intent))).body
        .outcome,
    ).toBe('already_recorded');
    expect(
      (await deliver(intentEvent('payment_intent.payment_failed', session.ipay_reference_18, intent))).body
        .outcome,
    ).toBe('failed');

    const state = await sessionState(session.id, merchant.token);
    expect(state).toMatchObject({ status: 'PAID', psp: 'stripe', payment_method: 'card' });
    expect(
      state.events
        .filter((e: { type: string }) => e.type.startsWith('session.pa'))
        .map((e: { type: string }) => e.type),
    ).toEqual(['session.paid']);
    expect(state.payments.map((p: { status: string }) => p.status)).toEqual(['succeeded', 'failed']);
  });

  it('records a failed payment on a pending session, then accepts the retry that succeeds', async () => {
    const { merchant, session } = await createTestPaymentSession(platform);
    const intent = `pi_${crypto.randomUUID()}`;
    expect(
      (await deliver(intentEvent('payment_intent.payment_failed', session.ipay_reference_18, intent))).body
        .outcome,
    ).toBe('failed');
    expect(
      (await deliver(intentEvent('payment_intent.succeeded', session.ipay_reference_18, intent))).body
        .outcome,
    ).toBe('paid');
    const state = await sessionState(session.id, merchant.token);
    expect(state.events.map((e: { type: string }) => e.type)).toEqual([
      'session.created',
      'session.payment_failed',
      'session.paid',
    ]);
  });

  it('rejects a bad or missing signature with 401 and stores nothing', async () => {
    const { merchant, session } = await createTestPaymentSession(platform);
    const event = stripeCheckoutCompleted(session.ipay_reference_18);
    expect((await deliver(event, 'whsec_someone_else')).status).toBe(401);
    const unsigned = await http(platform.baseUrl, 'POST', '/api/payments/webhook', { body: event });
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get('content-type')).toMatch(/problem\+json/);
    const tampered = JSON.stringify(event);
    const signature = stripe.webhooks.generateTestHeaderString({
      payload: tampered,
      secret: STRIPE_TEST_WEBHOOK_SECRET,
    });
    const res = await http(platform.baseUrl, 'POST', '/api/payments/webhook', {
      rawBody: tampered.replace('4993', '1'),
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
    });
    expect(res.status).toBe(401);
    const stored = await platform.database.db
      .selectFrom('psp_webhook_events')
      .select('event_id')
      .where('event_id', '=', event.id)
      .execute();
    expect(stored).toEqual([]);
    expect((await sessionState(session.id, merchant.token)).status).toBe('PENDING_PAYMENT');
  });

  it('keeps money that arrives for an expired session, flagged for refund', async () => {
    const { merchant, session } = await createTestPaymentSession(platform);
    await platform.database.db
      .updateTable('payment_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', session.id)
      .execute();
    expect((await deliver(stripeCheckoutCompleted(session.ipay_reference_18))).body.outcome).toBe(
      'needs_refund',
    );
    const state = await sessionState(session.id, merchant.token);
    expect(state.status).toBe('EXPIRED');
    expect(state.payments).toEqual([
      expect.objectContaining({
        status: 'succeeded',
        needs_refund: true,
        refund_reason: 'the session was expired when the payment arrived',
      }),
    ]);
    expect(state.events.map((e: { type: string }) => e.type)).toEqual([
      'session.created',
      'session.expired',
      'session.payment_needs_refund',
    ]);
  });

  it('flags a second payment and a wrong amount for refund instead of applying them', async () => {
    const { merchant, session } = await createTestPaymentSession(platform);
    expect(
      (await deliver(stripeCheckoutCompleted(session.ipay_reference_18, { amount: 100 }))).body.outcome,
    ).toBe('needs_refund');
    expect((await sessionState(session.id, merchant.token)).status).toBe('PENDING_PAYMENT');
    expect((await deliver(stripeCheckoutCompleted(session.ipay_reference_18))).body.outcome).toBe('paid');
    expect((await deliver(stripeCheckoutCompleted(session.ipay_reference_18))).body.outcome).toBe(
      'needs_refund',
    );
    const state = await sessionState(session.id, merchant.token);
    expect(state.payments.map((p: { needs_refund: boolean }) => p.needs_refund)).toEqual([true, false, true]);
  });

  it('refunds a paid session through Stripe before release, once', async () => {
    const { merchant, session } = await createTestPaymentSession(platform);
    const intent = `pi_${crypto.randomUUID()}`;
    await deliver(stripeCheckoutCompleted(session.ipay_reference_18, { intent }));
    const admin = await createTestPlatformAdmin(platform);
    const byMerchant = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/refund`, {
      token: merchant.token,
    });
    expect(byMerchant.status).toBe(403);

    const refunded = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/refund`, {
      token: admin.token,
      body: { reason: 'customer withdrew' },
    });
    expect(refunded.status).toBe(200);
    expect(refunded.body.status).toBe('REFUNDED');
    expect(refunded.body.payments[0]).toMatchObject({
      refund_reason: 'customer withdrew',
      refunded_at: expect.any(String),
    });
    const call = fakeStripe.requests.find((r) => r.path === '/v1/refunds' && r.body.includes(intent));
    expect(new URLSearchParams(call!.body).get('payment_intent')).toBe(intent);
    expect(refunded.body.events.at(-1)).toMatchObject({ type: 'session.refunded' });
    const order = await http(platform.baseUrl, 'GET', `/api/orders/${session.order_id}`, {
      token: merchant.token,
    });
    expect(order.body.status).toBe('CANCELLED');

    const again = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/refund`, {
      token: admin.token,
    });
    expect(again.status).toBe(409);
  });

  it('refunds only the payments flagged for refund, keeping the sale', async () => {
    const { session } = await createTestPaymentSession(platform);
    await deliver(stripeCheckoutCompleted(session.ipay_reference_18));
    await deliver(stripeCheckoutCompleted(session.ipay_reference_18));
    const admin = await createTestPlatformAdmin(platform);
    const res = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/refund`, {
      token: admin.token,
    });
    expect(res.body.status).toBe('PAID');
    expect(
      res.body.payments.map((p: { needs_refund: boolean; refunded_at: string | null }) => [
        p.needs_refund,
        p.refunded_at !== null,
      ]),
    ).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(res.body.events.at(-1).type).toBe('session.payment_refunded');
  });
});
