import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  orderBody,
  sendJson,
  startFakeServer,
  type FakeServer,
  type TestPlatform,
} from '../../testing';

const API_KEY = 'msp-site-api-key-for-tests';

describe('paying with MultiSafepay', () => {
  let platform: TestPlatform;
  let msp: FakeServer;
  const orders = new Map<string, { status: string; amount: number; currency: string }>();

  beforeAll(async () => {
    msp = await startFakeServer((request, response) => {
      if (request.headers.api_key !== API_KEY)
        return sendJson(response, 401, { success: false, error_code: 1032, error_info: 'Invalid API key' });
      if (request.method === 'POST' && request.path === '/orders') {
        const body = JSON.parse(request.body) as { order_id: string; amount: number; currency: string };
        orders.set(body.order_id, { status: 'initialized', amount: body.amount, currency: body.currency });
        return sendJson(response, 200, {
          success: true,
          data: {
            order_id: body.order_id,
            payment_url: `https://payv2.multisafepay.com/connect/${body.order_id}`,
          },
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
            transaction_id: 4051823,
            payment_details: { type: 'IDEAL' },
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

  it('creates an order at MultiSafepay, and pays the session only once its API says completed', async () => {
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
});
