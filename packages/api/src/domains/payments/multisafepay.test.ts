import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatformAdmin,
  createTestPlatform,
  http,
  orderBody,
  sendJson,
  startFakeServer,
  type FakeServer,
  type TestPlatform,
} from '../../testing';
import { refundPaymentPart } from './service/refund';

const API_KEY = 'msp-site-api-key-for-tests';

describe('paying with MultiSafepay', () => {
  let platform: TestPlatform;
  let msp: FakeServer;
  interface FakeRefund {
    transaction_id: number;
    amount: number;
    description: string;
    status: string;
  }
  const orders = new Map<
    string,
    { status: string; amount: number; currency: string; transactionId: number; refunds: FakeRefund[] }
  >();
  /** How many coming refund requests MultiSafepay makes and then fails to answer (a lost response). */
  let lostAnswers = 0;

  beforeAll(async () => {
    msp = await startFakeServer((request, response) => {
      if (request.headers.api_key !== API_KEY)
        return sendJson(response, 401, { success: false, error_code: 1032, error_info: 'Invalid API key' });
      if (request.method === 'POST' && request.path === '/orders') {
        const body = JSON.parse(request.body) as { order_id: string; amount: number; currency: string };
        orders.set(body.order_id, {
          status: 'initialized',
          amount: body.amount,
          currency: body.currency,
          transactionId: 4_051_823 + orders.size,
          refunds: [],
        });
        return sendJson(response, 200, {
          success: true,
          data: {
            order_id: body.order_id,
            payment_url: `https://payv2.multisafepay.com/connect/${body.order_id}`,
          },
        });
      }
      const refundOf = /^\/orders\/(\d+)\/refunds$/.exec(request.path);
      const refunded = refundOf ? orders.get(refundOf[1]!) : undefined;
      if (request.method === 'POST' && refunded) {
        // As MultiSafepay's API: no idempotency key; every request is a new refund.
        const body = JSON.parse(request.body) as { amount: number; description: string };
        const refund = {
          transaction_id: 9_000_000 + Math.floor(Math.random() * 999_999),
          amount: body.amount,
          description: body.description,
          status: 'completed',
        };
        refunded.refunds.push(refund);
        if (lostAnswers > 0) {
          lostAnswers -= 1;
          response.destroy();
          return;
        }
        return sendJson(response, 200, {
          success: true,
          data: { transaction_id: refunded.transactionId, refund_id: refund.transaction_id },
        });
      }
      const match = /^\/orders\/(\d+)$/.exec(request.path);
      const order = match ? orders.get(match[1]!) : undefined;
      if (request.method === 'GET' && order) {
        return sendJson(response, 200, {
          success: true,
          data: {
            order_id: match![1],
            status: order.status,
            amount: order.amount,
            currency: order.currency,
            transaction_id: order.transactionId,
            payment_details: { type: 'IDEAL' },
            related_transactions: order.refunds.length ? order.refunds : null,
          },
        });
      }
      sendJson(response, 404, { success: false, error_code: 1006, error_info: 'Invalid transaction ID' });
    });
    platform = await createTestPlatform({
      env: { MULTISAFEPAY_API_KEY: API_KEY, MULTISAFEPAY_API_URL: msp.url, PAYMENT_SIMULATION: 'off' },
    });
  });
  afterAll(async () => {
    await platform.close();
    await msp.close();
  });

  function notify(body: string, options: { key?: string; timestamp?: number } = {}) {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = createHmac('sha512', options.key ?? API_KEY)
      .update(`${timestamp}:${body}`)
      .digest('hex');
    return http(platform.baseUrl, 'POST', '/api/webhooks/multisafepay', {
      rawBody: body,
      headers: {
        'content-type': 'application/json',
        auth: Buffer.from(`${timestamp}:${signature}`).toString('base64'),
      },
    });
  }

  /** A merchant's session whose consumer chose MultiSafepay: the order is created there, not yet paid. */
  async function sessionAtMultiSafepay() {
    const merchant = await createTestMerchant(platform);
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = (
      await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
        token: merchant.token,
      })
    ).body;
    const token = new URL(session.pay_url).pathname.split('/').pop()!;
    const started = await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, {
      body: { psp: 'multisafepay' },
    });
    return { merchant, session, started };
  }

  it('creates an order at MultiSafepay, and pays the session only once its API says completed', async () => {
    const { merchant, session, started } = await sessionAtMultiSafepay();
    expect(started.body).toEqual({
      psp: 'multisafepay',
      status: 'PENDING_PAYMENT',
      redirect_url: `https://payv2.multisafepay.com/connect/${session.ipay_reference_18}`,
    });
    const created = JSON.parse(msp.requests.find((r) => r.method === 'POST')!.body);
    expect(created).toMatchObject({
      type: 'redirect',
      order_id: session.ipay_reference_18,
      amount: 4993,
      currency: 'EUR',
      payment_options: { notification_url: `${platform.config.publicUrl}/api/webhooks/multisafepay` },
    });

    const notification = JSON.stringify({ order_id: session.ipay_reference_18, status: 'completed' });
    const early = await notify(notification);
    expect(early.status).toBe(200);
    expect(early.body).toBe('OK');
    const stillPending = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${session.id}`, {
      token: merchant.token,
    });
    expect(stillPending.body.status).toBe('PENDING_PAYMENT');

    orders.get(session.ipay_reference_18)!.status = 'completed';
    expect((await notify(notification)).body).toBe('OK');
    expect((await notify(notification)).body).toBe('OK');
    const paid = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${session.id}`, {
      token: merchant.token,
    });
    expect(paid.body).toMatchObject({ status: 'PAID', psp: 'multisafepay', payment_method: 'ideal' });
    expect(paid.body.payments).toHaveLength(1);
  });

  it('rejects a wrong, stale or missing Auth header with 401 and asks MultiSafepay nothing', async () => {
    const before = msp.requests.length;
    const body = JSON.stringify({ order_id: '100000000000000001' });
    expect((await notify(body, { key: 'wrong-key' })).status).toBe(401);
    expect((await notify(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    const missing = await http(platform.baseUrl, 'POST', '/api/webhooks/multisafepay', {
      rawBody: body,
      headers: { 'content-type': 'application/json' },
    });
    expect(missing.status).toBe(401);
    expect(msp.requests.length).toBe(before);
  });

  /** A session paid through MultiSafepay, as the first test walks it. */
  async function paidSession() {
    const { session } = await sessionAtMultiSafepay();
    orders.get(session.ipay_reference_18)!.status = 'completed';
    await notify(JSON.stringify({ order_id: session.ipay_reference_18, status: 'completed' }));
    return { sessionId: session.id as string, reference: session.ipay_reference_18 as string };
  }

  it('refunds each part once without an idempotency key at MultiSafepay, across a lost answer, then only the rest', async () => {
    const { sessionId, reference } = await paidSession();
    const refundRequests = () =>
      msp.requests.filter((r) => r.method === 'POST' && r.path === `/orders/${reference}/refunds`);
    const part = { sessionId, amountMinor: 500, idempotencyKey: `return-${sessionId}` };

    const first = await refundPaymentPart(platform.database.db, platform.config, part);
    expect(await refundPaymentPart(platform.database.db, platform.config, part)).toEqual(first);
    expect(refundRequests().map((r) => JSON.parse(r.body))).toEqual([
      { amount: 500, currency: 'EUR', description: `IPAY refund ${reference} return-${sessionId}` },
    ]);

    // MultiSafepay makes the refund but its answer is lost: the retry finds it on the order, and asks no more.
    lostAnswers = 1;
    const lost = { sessionId, amountMinor: 700, idempotencyKey: `return-2-${sessionId}` };
    await expect(refundPaymentPart(platform.database.db, platform.config, lost)).rejects.toMatchObject({
      status: 503,
    });
    const retried = await refundPaymentPart(platform.database.db, platform.config, lost);
    expect(refundRequests()).toHaveLength(2);
    const made = orders.get(reference)!.refunds;
    expect(made.map((r) => r.amount)).toEqual([500, 700]);
    expect(retried.refundId).toBe(String(made[1]!.transaction_id));
    expect(
      msp.requests.filter((r) => r.method === 'GET' && r.path === `/orders/${reference}`).length,
    ).toBeGreaterThan(0);

    const admin = await createTestPlatformAdmin(platform);
    const whole = await platform.caller({ token: admin.token }).paymentSessions.refund({ id: sessionId });
    expect(whole.status).toBe('REFUNDED');
    expect(orders.get(reference)!.refunds.map((r) => r.amount)).toEqual([500, 700, 4993 - 1200]);
    await expect(
      refundPaymentPart(platform.database.db, platform.config, { ...part, idempotencyKey: 'one-more' }),
    ).rejects.toMatchObject({ status: 409, code: 'refund_exceeds_payment' });
    expect(refundRequests()).toHaveLength(3);
  });
});
