import { createHmac } from 'node:crypto';
import { getHmac } from '@shopify/shopify-api/test-helpers';
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

const SHOPIFY_TOKEN = 'shpat_webhook_test_token';
const SHOPIFY_SECRET = 'shpss_webhook_test_secret';
const WOO_SECRET = 'woo-webhook-secret-123';

describe('shop webhooks', () => {
  let platform: TestPlatform;
  let shop: FakeServer;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    shop = await startFakeServer((request, response) => {
      if (request.path.startsWith('/admin/api/2024-10/shop.json'))
        return sendJson(response, 200, { shop: { id: 1 } });
      if (request.path === '/wp-json/wc/v3/system_status')
        return sendJson(response, 200, { environment: {} });
      sendJson(response, 404, { errors: 'Not Found' });
    });
  });
  afterAll(async () => {
    await platform.close();
    await shop.close();
  });

  async function connectedShopify() {
    const merchant = await createTestMerchant(platform);
    const connected = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: {
        credentials: {
          shop: 'hook-shop',
          access_token: SHOPIFY_TOKEN,
          api_secret: SHOPIFY_SECRET,
          base_url: shop.url,
        },
      },
    });
    expect(connected.status).toBe(200);
    expect(connected.body.webhook_path).toMatch(
      /^\/api\/integrations\/shopify\/webhook\?integration=[0-9a-f-]{36}$/,
    );
    return { merchant, path: connected.body.webhook_path as string };
  }

  function push(path: string, body: string, headers: Record<string, string>) {
    return http(platform.baseUrl, 'POST', path, {
      rawBody: body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  }

  it('accepts a genuinely signed Shopify order once and imports it through the same mapper as a sync', async () => {
    const { merchant, path } = await connectedShopify();
    const body = JSON.stringify({ ...(getProvider('shopify').sampleOrder('9001') as object), id: 9001 });
    const headers = {
      // Signed by Shopify's own library test helper, so the check is against Shopify's real scheme.
      'x-shopify-hmac-sha256': getHmac(body, SHOPIFY_SECRET),
      'x-shopify-webhook-id': 'delivery-9001',
      'x-shopify-topic': 'orders/create',
    };
    expect((await push(path, body, headers)).body).toEqual({ received: true, receipt: 'accepted' });
    expect((await push(path, body, headers)).body).toEqual({ received: true, receipt: 'duplicate' });

    const job = { settings: { allowPrivateUrls: true }, encryptionKey: platform.deps.encryptionKey };
    const outcome = await processPlatformWebhook(platform.database.db, {
      provider: 'shopify',
      deliveryId: 'delivery-9001',
      ...job,
    });
    expect(outcome).toMatch(/^created order /);
    expect(
      await processPlatformWebhook(platform.database.db, {
        provider: 'shopify',
        deliveryId: 'delivery-9001',
        ...job,
      }),
    ).toBe('already processed');
    const orders = await http(platform.baseUrl, 'GET', '/api/orders', { token: merchant.token });
    expect(orders.body.items).toHaveLength(1);
  });

  it("sets an orders/fulfilled push's tracking with source shop, and records a taken number in the outcome", async () => {
    const fulfilled = (id: number) =>
      JSON.stringify({
        ...(getProvider('shopify').sampleOrder(String(id)) as object),
        id,
        fulfillment_status: 'fulfilled',
        fulfillments: [
          {
            id: id * 10,
            status: 'success',
            created_at: '2026-11-28T09:30:00+01:00',
            tracking_company: 'DHL Express',
            tracking_number: 'JD0146000012345',
            tracking_numbers: ['JD0146000012345'],
          },
        ],
      });
    const job = { settings: { allowPrivateUrls: true }, encryptionKey: platform.deps.encryptionKey };
    const deliver = async (path: string, id: number) => {
      const body = fulfilled(id);
      await push(path, body, {
        'x-shopify-hmac-sha256': getHmac(body, SHOPIFY_SECRET),
        'x-shopify-webhook-id': `delivery-${id}`,
        'x-shopify-topic': 'orders/fulfilled',
      });
      return processPlatformWebhook(platform.database.db, {
        provider: 'shopify',
        deliveryId: `delivery-${id}`,
        ...job,
      });
    };
    const [first, second] = [await connectedShopify(), await connectedShopify()];
    expect(await deliver(first.path, 9301)).toMatch(/^created order [0-9a-f-]{36}$/);
    // Another merchant's shop pushes the same number for its own order: imported, the tracking refused.
    expect(await deliver(second.path, 9302)).toMatch(
      /^created order .*; tracking not set: parcels\.0\.tracking_number: JD0146000012345 is already a parcel/,
    );
    const parcels = await platform.database.db
      .selectFrom('order_parcels')
      .select(['tracking_number', 'source'])
      .where('tracking_number', '=', 'JD0146000012345')
      .execute();
    expect(parcels).toEqual([{ tracking_number: 'JD0146000012345', source: 'shop' }]);
  });

  it("keeps merchants' pushes apart: one delivery id from two shops is two deliveries, a replay on one a duplicate", async () => {
    const shops = [await connectedShopify(), await connectedShopify()];
    const pushOrder = (path: string, id: number) => {
      const body = JSON.stringify({ ...(getProvider('shopify').sampleOrder(String(id)) as object), id });
      return push(path, body, {
        'x-shopify-hmac-sha256': getHmac(body, SHOPIFY_SECRET),
        'x-shopify-webhook-id': 'delivery-shared-9100',
        'x-shopify-topic': 'orders/create',
      });
    };
    expect((await pushOrder(shops[0]!.path, 9101)).body.receipt).toBe('accepted');
    expect((await pushOrder(shops[1]!.path, 9102)).body.receipt).toBe('accepted');
    expect((await pushOrder(shops[0]!.path, 9101)).body.receipt).toBe('duplicate');

    for (const { merchant, path } of shops) {
      const integrationId = new URL(path, platform.baseUrl).searchParams.get('integration') ?? '';
      const outcome = await processPlatformWebhook(platform.database.db, {
        provider: 'shopify',
        integrationId,
        deliveryId: 'delivery-shared-9100',
        settings: { allowPrivateUrls: true },
        encryptionKey: platform.deps.encryptionKey,
      });
      expect(outcome).toMatch(/^created order /);
      const orders = await http(platform.baseUrl, 'GET', '/api/orders', { token: merchant.token });
      expect(orders.body.items).toHaveLength(1);
    }
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    const { path } = await connectedShopify();
    const body = JSON.stringify({ id: 9002 });
    const res = await push(path, body, {
      'x-shopify-hmac-sha256': getHmac(body, 'someone-else'),
      'x-shopify-webhook-id': 'delivery-9002',
    });
    expect(res.status).toBe(401);
    const stored = await platform.database.db
      .selectFrom('integration_webhook_deliveries')
      .select('delivery_id')
      .where('delivery_id', '=', 'delivery-9002')
      .execute();
    expect(stored).toEqual([]);
  });

  it("answers WooCommerce's unsigned ping with 200 and verifies its signed deliveries", async () => {
    const merchant = await createTestMerchant(platform);
    const connected = await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/connect', {
      token: merchant.token,
      body: {
        credentials: {
          store_url: shop.url,
          consumer_key: 'ck_0123456789abcdef',
          consumer_secret: 'cs_0123456789abcdef',
          webhook_secret: WOO_SECRET,
        },
      },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(200);
    const path = connected.body.webhook_path as string;
    const ping = await http(platform.baseUrl, 'POST', path, {
      rawBody: 'webhook_id=12',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(ping.body).toEqual({ received: true, receipt: 'ping' });
    const body = JSON.stringify(getProvider('woocommerce').sampleOrder('777'));
    const signed = await push(path, body, {
      'x-wc-webhook-signature': createHmac('sha256', WOO_SECRET).update(body).digest('base64'),
      'x-wc-webhook-delivery-id': 'woo-777',
      'x-wc-webhook-topic': 'order.created',
    });
    expect(signed.body.receipt).toBe('accepted');
  });

  it('refuses pushes for providers without a webhook and for unknown providers', async () => {
    const temu = await http(platform.baseUrl, 'POST', '/api/integrations/temu/webhook', { body: {} });
    expect(temu.status).toBe(409);
    const unknown = await http(platform.baseUrl, 'POST', '/api/integrations/nope/webhook', { body: {} });
    expect(unknown.status).toBe(404);
  });
});
