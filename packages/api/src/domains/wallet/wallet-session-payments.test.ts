import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStripeTestPlatform,
  createTestMerchant,
  createTestPlatformAdmin,
  deliverStripeEvent,
  http,
  orderBody,
  payTokenOf,
  runDoorCodeJob,
  signInTestConsumer,
  stripeCheckoutCompleted,
  type FakeServer,
  type TestConsumer,
  type TestPlatform,
} from '../../testing';
import { DOMAIN_EVENT_CONSUMERS } from '../events/consumers';
import { drainDomainEvents } from '../events/relay';
import { expireOverdueSessions } from '../payment-sessions/service/expire-sessions';
import { checkLedger } from './service/ledger-check';

/** orderBody's total: 2 × 1999 + 500 + 495 shipping. */
const TOTAL = 4993;

describe('paying a payment session from the wallet', () => {
  let platform: TestPlatform;
  let fakeStripe: FakeServer;
  let close: () => Promise<void>;
  let operator: string;
  let merchant: string;

  beforeAll(async () => {
    ({ platform, fakeStripe, close } = await createStripeTestPlatform());
    operator = (await createTestPlatformAdmin(platform)).token;
    merchant = (await createTestMerchant(platform)).token;
  });
  afterAll(() => close());

  const credit = async (email: string, amountMinor: number) => {
    const answer = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
      token: operator,
      body: { email, amountMinor, currency: 'EUR', reason: 'goodwill' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(answer.status).toBe(200);
  };
  /** A merchant's order to `email` with a session waiting for payment. */
  const sessionFor = async (email: string) => {
    const base = orderBody();
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant,
      body: { ...base, customer: { ...base.customer, email: email.toUpperCase() } },
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant,
    });
    return {
      id: session.body.id as string,
      reference: session.body.ipay_reference_18 as string,
      token: payTokenOf(session.body.pay_url),
    };
  };
  const pay = (
    consumer: TestConsumer,
    sessionId: string,
    body: object = {},
    key: string | null = randomUUID(),
  ) =>
    http(platform.baseUrl, 'POST', `/api/wallet/pay/${sessionId}`, {
      token: consumer.token,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });
  const cancel = (consumer: TestConsumer, sessionId: string) =>
    http(platform.baseUrl, 'POST', `/api/wallet/pay/${sessionId}/cancel`, {
      token: consumer.token,
      body: {},
    });
  const balance = async (consumer: TestConsumer) =>
    (await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: consumer.token })).body;
  const detail = async (sessionId: string) =>
    (await http(platform.baseUrl, 'GET', `/api/payment-sessions/${sessionId}`, { token: merchant })).body;
  const relay = () => drainDomainEvents(platform.database.db, { consumers: DOMAIN_EVENT_CONSUMERS });
  const expectBalanced = async () => {
    const check = await checkLedger(platform.database.db);
    expect(check.accountsNotMatchingTransfers).toEqual([]);
    expect(check.balanced).toBe(true);
  };
  const deliverCheckout = (reference: string, amount: number) =>
    deliverStripeEvent(platform, stripeCheckoutCompleted(reference, { amount }));

  it('pays a whole session at once, as a payment with provider wallet, and a retry pays once', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, 6000);
    const session = await sessionFor(ann.email);
    const key = randomUUID();
    const paid = await pay(ann, session.id, {}, key);
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({
      sessionId: session.id,
      sessionStatus: 'PAID',
      amountMinor: TOTAL,
      walletMinor: TOTAL,
      amountDueMinor: 0,
      hold: {
        kind: 'payment',
        state: 'posted',
        amountMinor: TOTAL,
        from: ann.email,
        to: 'platform:wallet_payments',
      },
    });
    const retried = await pay(ann, session.id, {}, key);
    expect(retried.status).toBe(200);
    expect(retried.body.hold.id).toBe(paid.body.hold.id);
    const reused = await pay(ann, session.id, { amount: 10 }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
    const again = await pay(ann, session.id);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('session_not_payable');

    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 6000 - TOTAL, pendingMinor: 0 });
    const state = await detail(session.id);
    expect(state).toMatchObject({ status: 'PAID', psp: 'wallet', payment_method: 'wallet' });
    expect(state.payments).toMatchObject([{ psp: 'wallet', amount_minor: TOTAL, status: 'succeeded' }]);
    const paidEvent = state.events.find((e: { type: string }) => e.type === 'session.paid');
    expect(paidEvent.data).toMatchObject({
      psp: 'wallet',
      amountMinor: TOTAL,
      pspPaymentId: paid.body.hold.id,
    });
    // The door code goes out as after a card payment.
    expect(await runDoorCodeJob(platform, session.id)).toBe(true);
    await expectBalanced();
  });

  it('pays part from the wallet, lets the card pay only the rest, and posts the hold when paid', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, 2000);
    const session = await sessionFor(ann.email);
    const held = await pay(ann, session.id, { amount: 2000, currency: 'EUR' });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({
      sessionStatus: 'PENDING_PAYMENT',
      walletMinor: 2000,
      amountDueMinor: TOTAL - 2000,
      hold: { state: 'pending', amountMinor: 2000 },
    });
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 0, pendingMinor: 2000 });
    const view = await http(platform.baseUrl, 'GET', `/api/session/${session.token}`);
    expect(view.body).toMatchObject({
      amount_minor: TOTAL,
      amount_due_minor: TOTAL - 2000,
      wallet_minor: 2000,
    });

    const started = await http(platform.baseUrl, 'POST', `/api/session/${session.token}/start-payment`, {
      body: {},
    });
    expect(started.status).toBe(200);
    const sent = new URLSearchParams(fakeStripe.requests.at(-1)!.body);
    expect(sent.get('line_items[0][price_data][unit_amount]')).toBe(String(TOTAL - 2000));
    expect((await deliverCheckout(session.reference, TOTAL - 2000)).body.outcome).toBe('paid');

    // Paid: the relay posts the hold.
    expect((await balance(ann)).balances[0]).toMatchObject({ pendingMinor: 2000 });
    await relay();
    expect((await balance(ann)).balances[0]).toMatchObject({
      availableMinor: 0,
      pendingMinor: 0,
      postedMinor: 0,
    });
    const state = await detail(session.id);
    expect(state.status).toBe('PAID');
    expect(
      state.payments.map((p: { psp: string; amount_minor: number }) => [p.psp, p.amount_minor]).sort(),
    ).toEqual([
      ['stripe', TOTAL - 2000],
      ['wallet', 2000],
    ]);
    await expectBalanced();

    // A refund gives each part back the way it came: the card at Stripe, the wallet part to the wallet.
    const refunded = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/refund`, {
      token: operator,
      body: {},
    });
    expect(refunded.status).toBe(200);
    expect(fakeStripe.requests.filter((r) => r.path === '/v1/refunds')).not.toHaveLength(0);
    await relay();
    const after = await balance(ann);
    expect(after.balances[0]).toMatchObject({ availableMinor: 2000, pendingMinor: 0 });
    expect(after.transfers.items[0]).toMatchObject({
      kind: 'refund',
      state: 'posted',
      amountMinor: 2000,
      direction: 'in',
    });
    expect(after.transfers.items.find((t: { id: string }) => t.id === held.body.hold.id)).toMatchObject({
      kind: 'payment',
      state: 'posted',
    });
    await relay();
    expect((await balance(ann)).balances[0].availableMinor).toBe(2000);
    await expectBalanced();
  });

  it('voids the hold when the session expires, and when the consumer takes the wallet part back', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, 3000);
    const expiring = await sessionFor(ann.email);
    expect((await pay(ann, expiring.id, { amount: 1000 })).status).toBe(200);
    await platform.database.db
      .updateTable('payment_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expiring.id)
      .execute();
    expect(await expireOverdueSessions(platform.database.db)).toBeGreaterThanOrEqual(1);
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 2000, pendingMinor: 1000 });
    await relay();
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 3000, pendingMinor: 0 });
    expect((await pay(ann, expiring.id, { amount: 1 })).status).toBe(409);

    const session = await sessionFor(ann.email);
    const held = await pay(ann, session.id, { amount: 1500 });
    const other = await pay(ann, session.id, { amount: 100 });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('wallet_part_held');
    const cancelled = await cancel(ann, session.id);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      walletMinor: 0,
      amountDueMinor: TOTAL,
      hold: { id: held.body.hold.id, state: 'voided' },
    });
    expect((await cancel(ann, session.id)).body).toMatchObject({ walletMinor: 0, hold: null });
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 3000, pendingMinor: 0 });
    await expectBalanced();
  });

  it('returns a refunded wallet payment to the wallet as a new transfer', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, TOTAL);
    const session = await sessionFor(ann.email);
    const paid = await pay(ann, session.id);
    expect(paid.body.sessionStatus).toBe('PAID');
    await relay();
    const refunded = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/refund`, {
      token: operator,
      body: { reason: 'out of stock' },
    });
    expect(refunded.status).toBe(200);
    expect((await detail(session.id)).status).toBe('REFUNDED');
    await relay();
    await relay();
    const after = await balance(ann);
    expect(after.balances[0]).toMatchObject({ availableMinor: TOTAL, pendingMinor: 0 });
    const kinds = after.transfers.items.map((t: { kind: string; state: string }) => `${t.kind}:${t.state}`);
    expect(kinds).toEqual(['refund:posted', 'payment:posted', 'credit:posted']);
    await expectBalanced();
  });

  it('never overdraws when two payments race for one balance, and pays once for a key sent at once', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, TOTAL + 100);
    const first = await sessionFor(ann.email);
    const second = await sessionFor(ann.email);
    const raced = await Promise.all([pay(ann, first.id), pay(ann, second.id)]);
    expect(raced.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(raced.find((r) => r.status === 422)!.body).toMatchObject({
      code: 'insufficient_funds',
      errors: [{ field: 'amount' }],
    });
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 100, pendingMinor: 0 });

    await credit(ann.email, TOTAL);
    const third = await sessionFor(ann.email);
    const loser = raced[0].status === 422 ? first : second;
    const key = randomUUID();
    const retries = await Promise.all(Array.from({ length: 5 }, () => pay(ann, third.id, {}, key)));
    expect(retries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(retries.map((r) => r.body.hold.id)).size).toBe(1);
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 100, pendingMinor: 0 });
    expect((await detail(loser.id)).status).toBe('PENDING_PAYMENT');
    await expectBalanced();
  });

  it('treats another consumer’s session as one that does not exist', async () => {
    const ann = await signInTestConsumer(platform);
    const bob = await signInTestConsumer(platform);
    await credit(bob.email, TOTAL);
    const session = await sessionFor(ann.email);
    const theirs = await pay(bob, session.id);
    expect(theirs.status).toBe(404);
    expect((await pay(bob, randomUUID())).status).toBe(404);
    expect((await cancel(bob, session.id)).status).toBe(404);
    expect((await balance(bob)).balances[0]).toMatchObject({ availableMinor: TOTAL, pendingMinor: 0 });
    const staff = await pay({ ...ann, token: operator }, session.id);
    expect(staff.status).toBe(401);
  });

  it('answers bad requests with problems naming the field, and moves nothing', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, 100);
    const session = await sessionFor(ann.email);
    const noKey = await pay(ann, session.id, {}, null);
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].field).toBe('Idempotency-Key');
    const poor = await pay(ann, session.id);
    expect(poor.status).toBe(422);
    expect(poor.body).toMatchObject({ code: 'insufficient_funds', errors: [{ field: 'amount' }] });
    const tooMuch = await pay(ann, session.id, { amount: TOTAL + 1 });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'amount_exceeds_due', errors: [{ field: 'amount' }] });
    const dollars = await pay(ann, session.id, { amount: 50, currency: 'USD' });
    expect(dollars.status).toBe(422);
    expect(dollars.body).toMatchObject({ code: 'currency_mismatch', errors: [{ field: 'currency' }] });
    const bad = await pay(ann, 'not-a-session', { amount: 0 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await balance(ann)).balances[0]).toMatchObject({ availableMinor: 100, pendingMinor: 0 });
    await expectBalanced();
  });
});
