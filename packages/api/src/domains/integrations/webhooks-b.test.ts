import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  sendJson,
  startFakeServer,
  type FakeServer,
  type TestPlatform,
} from '../../testing';
import { getProvider } from './registry';
import { processPlatformWebhook } from './service/webhooks';

const SHOPWARE_SHOP_SECRET = 'shop-secret-from-app-registration-0123';
const PICQER_HOOK_SECRET = 'picqer-hook-secret-0123';

let platform: TestPlatform;
let shop: FakeServer;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  // Answers the connect-time checks of both platforms.
  shop = await startFakeServer((request, response) => {
    if (request.path === '/api/oauth/token') {
      return sendJson(response, 200, { token_type: 'Bearer', expires_in: 600, access_token: 'sw-token' });
    }
    if (request.path === '/api/search/order') return sendJson(response, 200, { total: 0, data: [] });
    if (request.path === '/api/v1/users/me') return sendJson(response, 200, { iduser: 1 });
    sendJson(response, 404, { error: 'Not Found' });
  });
});
afterAll(async () => {
  await shop.close();
  await platform.close();
});

async function connected(provider: string, credentials: Record<string, unknown>) {
  const merchant = await createTestMerchant(platform);
  const response = await http(platform.baseUrl, 'POST', `/api/integrations/${provider}/connect`, {
    token: merchant.token,
    body: { credentials },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  const path = response.body.webhook_path as string;
  expect(path).toMatch(new RegExp(`^/api/integrations/${provider}/webhook\\?integration=[0-9a-f-]{36}$`));
  return { merchant, path, integrationId: path.split('=')[1]! };
}

function push(path: string, body: string, headers: Record<string, string>) {
  return http(platform.baseUrl, 'POST', path, {
    rawBody: body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function deliveriesOf(integrationId: string) {
  return platform.database.db
    .selectFrom('integration_webhook_deliveries')
    .select(['delivery_id', 'topic'])
    .where('integration_id', '=', integrationId)
    .execute();
}

async function ordersOf(token: string) {
  return (await http(platform.baseUrl, 'GET', '/api/orders', { token })).body.items as Array<{
    merchant_reference: string;
  }>;
}

describe('Shopware 6 pushes', () => {
  const connectShopware = () =>
    connected('shopware', {
      shop_url: shop.url,
      client_id: 'SWIAQ0NVBWLKAEFHMWDUSJFKRW',
      client_secret: 'bXpPZ1RlWkFCSG9lbHJ3T3lKY3VRcVhB',
      webhook_secret: SHOPWARE_SHOP_SECRET,
    });
  // The app system's envelope for a business event: the order entity under data.payload.order.
  const envelope = (seed: string, eventId = randomUUID().replace(/-/g, ''), timestamp = Date.now() / 1000) =>
    JSON.stringify({
      data: {
        payload: { order: getProvider('shopware').sampleOrder(seed) },
        event: 'checkout.order.placed',
      },
      source: { url: shop.url, appVersion: '1.0.0', shopId: 'dgrH7nLU6tlE', eventId },
      timestamp: Math.floor(timestamp),
    });
  const sign = (body: string, secret = SHOPWARE_SHOP_SECRET) => ({
    'shopware-shop-signature': createHmac('sha256', secret).update(body).digest('hex'),
  });

  it('imports a genuinely signed order once, deduplicated on the event id', async () => {
    const { merchant, path, integrationId } = await connectShopware();
    const body = envelope('8101', 'a3f5e8c1d2b44f6e9a7b0c1d2e3f4a5b');
    expect((await push(path, body, sign(body))).body).toEqual({ received: true, receipt: 'accepted' });
    expect((await push(path, body, sign(body))).body).toEqual({ received: true, receipt: 'duplicate' });
    expect(await deliveriesOf(integrationId)).toEqual([
      { delivery_id: 'a3f5e8c1d2b44f6e9a7b0c1d2e3f4a5b', topic: 'checkout.order.placed' },
    ]);

    const outcome = await processPlatformWebhook(platform.database.db, {
      provider: 'shopware',
      deliveryId: 'a3f5e8c1d2b44f6e9a7b0c1d2e3f4a5b',
      settings: { allowPrivateUrls: true },
      encryptionKey: platform.deps.encryptionKey,
    });
    expect(outcome).toMatch(/^created order /);
    expect((await ordersOf(merchant.token)).map((o) => o.merchant_reference)).toEqual(['shopware-8101']);
  });

  it('accepts the signature in upper-case hex', async () => {
    const { path } = await connectShopware();
    const body = envelope('8102');
    const signature = sign(body)['shopware-shop-signature'].toUpperCase();
    expect((await push(path, body, { 'shopware-shop-signature': signature })).status).toBe(200);
  });

  it('answers a bad signature or a stale timestamp with 401 and stores nothing', async () => {
    const { path, integrationId } = await connectShopware();
    const body = envelope('8103');
    expect((await push(path, body, sign(body, 'someone-elses-secret'))).status).toBe(401);
    expect((await push(path, body, {})).status).toBe(401);
    const stale = envelope('8104', undefined, Date.now() / 1000 - 2 * 60 * 60);
    expect((await push(path, stale, sign(stale))).status).toBe(401);
    expect(await deliveriesOf(integrationId)).toEqual([]);
  });
});

describe('Picqer pushes', () => {
  const connectPicqer = () =>
    connected('picqer', {
      subdomain: 'demo-shop',
      api_key: 'pqk_0123456789abcdefghijklmnop',
      webhook_secret: PICQER_HOOK_SECRET,
      base_url: shop.url,
    });
  const hookBody = (seed: string) =>
    JSON.stringify({
      idhook: 41,
      name: 'IPAY orders',
      event: 'orders.created',
      event_triggered_at: '2026-11-25 10:15:00',
      data: getProvider('picqer').sampleOrder(seed),
    });
  const sign = (body: string, secret = PICQER_HOOK_SECRET) => ({
    'x-picqer-signature': createHmac('sha256', secret).update(body).digest('base64'),
  });

  it('imports a genuinely signed order once, deduplicated on the body it sends again', async () => {
    const { merchant, path, integrationId } = await connectPicqer();
    const body = hookBody('9201');
    expect((await push(path, body, sign(body))).body).toEqual({ received: true, receipt: 'accepted' });
    expect((await push(path, body, sign(body))).body).toEqual({ received: true, receipt: 'duplicate' });
    const [delivery, ...more] = await deliveriesOf(integrationId);
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({
      delivery_id: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      topic: 'orders.created',
    });

    const outcome = await processPlatformWebhook(platform.database.db, {
      provider: 'picqer',
      deliveryId: delivery!.delivery_id,
      settings: { allowPrivateUrls: true },
      encryptionKey: platform.deps.encryptionKey,
    });
    expect(outcome).toMatch(/^created order /);
    expect((await ordersOf(merchant.token)).map((o) => o.merchant_reference)).toEqual(['picqer-20249201']);
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    const { path, integrationId } = await connectPicqer();
    const body = hookBody('9202');
    expect((await push(path, body, sign(body, 'not-the-hook-secret'))).status).toBe(401);
    // A hex digest where Picqer sends base64 is a wrong signature too.
    const hex = createHmac('sha256', PICQER_HOOK_SECRET).update(body).digest('hex');
    expect((await push(path, body, { 'x-picqer-signature': hex })).status).toBe(401);
    expect(await deliveriesOf(integrationId)).toEqual([]);
  });
});
