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

const SHOPIFY_TOKEN = 'shpat_test_0123456789abcdef';
const WOO_KEY = 'ck_0123456789abcdef';
const WOO_SECRET = 'cs_0123456789abcdef';

let platform: TestPlatform;
let shopify: FakeServer;
let woo: FakeServer;
let shopifyOrders: unknown[];

function shopifyOrder(id: number, overrides: Record<string, unknown> = {}) {
  return { ...(getProvider('shopify').sampleOrder(String(id)) as object), id, ...overrides };
}

beforeAll(async () => {
  platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  shopifyOrders = [shopifyOrder(1001), shopifyOrder(1002)];
  // Shopify Admin REST: the token in X-Shopify-Access-Token, errors as { errors }.
  shopify = await startFakeServer((request, response) => {
    if (request.headers['x-shopify-access-token'] !== SHOPIFY_TOKEN) {
      return sendJson(response, 401, {
        errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
      });
    }
    if (request.path === '/admin/api/2024-10/shop.json')
      return sendJson(response, 200, { shop: { id: 1, name: 'Fake' } });
    if (request.path === '/admin/api/2024-10/orders.json?status=any&limit=50') {
      return sendJson(response, 200, { orders: shopifyOrders });
    }
    sendJson(response, 404, { errors: 'Not Found' });
  });
  // WooCommerce REST v3 over Basic auth; errors as { code, message }.
  woo = await startFakeServer((request, response) => {
    const expected = `Basic ${Buffer.from(`${WOO_KEY}:${WOO_SECRET}`).toString('base64')}`;
    if (request.headers.authorization !== expected) {
      return sendJson(response, 401, {
        code: 'woocommerce_rest_cannot_view',
        message: 'Sorry, you cannot list resources.',
      });
    }
    if (request.path === '/wp-json/wc/v3/system_status') return sendJson(response, 200, { environment: {} });
    if (request.path === '/wp-json/wc/v3/orders?per_page=50') {
      return sendJson(response, 200, [getProvider('woocommerce').sampleOrder('501')]);
    }
    sendJson(response, 404, { code: 'rest_no_route', message: 'No route was found' });
  });
});

afterAll(async () => {
  await shopify.close();
  await woo.close();
  await platform.close();
});

const shopifyCredentials = (token = SHOPIFY_TOKEN) => ({
  shop: 'fake-shop',
  access_token: token,
  api_secret: 'shpss_0123456789abcdef',
  base_url: shopify.url,
});

describe('integrations', () => {
  it('lists every provider with this merchant state, not connected by default', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'GET', '/api/integrations/status', {
      token: merchant.token,
    });
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(28);
    expect(response.body.items[0]).toMatchObject({
      provider: 'shopify',
      status: 'not_connected',
      capabilities: { live: true },
    });
  });

  it('answers an unknown provider with a 404 problem listing the valid ones', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'GET', '/api/integrations/ebay', { token: merchant.token });
    expect(response.status).toBe(404);
    expect(response.body.detail).toContain('shopify, woocommerce');
  });

  it('shows setup info with the credential fields', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'GET', '/api/integrations/shopify/setup-info', {
      token: merchant.token,
    });
    expect(response.status).toBe(200);
    expect(response.body.scopes).toEqual(['read_orders']);
    expect(response.body.credentials_schema.properties).toHaveProperty('access_token');
  });

  it('refuses Shopify credentials the shop rejects and stores nothing', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: { credentials: shopifyCredentials('shpat_wrong_token_value') },
    });
    expect(response.status).toBe(422);
    expect(response.body.detail).toContain('Invalid API key');
    expect(
      await platform.database.db
        .selectFrom('integrations')
        .selectAll()
        .where('merchant_id', '=', merchant.user.organization.id)
        .execute(),
    ).toEqual([]);
  });

  it('names the bad credential field', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/connect', {
      token: merchant.token,
      body: { credentials: { store_url: woo.url, consumer_key: 'nope', consumer_secret: WOO_SECRET } },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('credentials.consumer_key');
  });

  it('connects Shopify, seals the credentials, and syncing twice creates no duplicates', async () => {
    const merchant = await createTestMerchant(platform);
    const connect = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: { credentials: shopifyCredentials() },
    });
    expect(connect.status).toBe(200);
    expect(connect.body.status).toBe('connected');
    expect(JSON.stringify(connect.body)).not.toContain(SHOPIFY_TOKEN);
    const row = await platform.database.db
      .selectFrom('integrations')
      .select('credentials_sealed')
      .where('merchant_id', '=', merchant.user.organization.id)
      .executeTakeFirstOrThrow();
    expect(row.credentials_sealed).toMatch(/^v1:/);
    expect(row.credentials_sealed).not.toContain(SHOPIFY_TOKEN);

    const first = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', {
      token: merchant.token,
    });
    expect(first.body).toMatchObject({ fetched: 2, created: 2, updated: 0, rejected: 0 });
    const second = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', {
      token: merchant.token,
    });
    expect(second.body).toMatchObject({ fetched: 2, created: 0, updated: 0, unchanged: 2 });

    const orders = await http(platform.baseUrl, 'GET', '/api/orders?q=shopify-', { token: merchant.token });
    expect(orders.body.items.map((o: { merchant_reference: string }) => o.merchant_reference).sort()).toEqual(
      ['shopify-1001', 'shopify-1002'],
    );
    const order = orders.body.items.find(
      (o: { merchant_reference: string }) => o.merchant_reference === 'shopify-1001',
    );
    expect(order).toMatchObject({
      items_total_minor: 4993,
      shipping_minor: 495,
      // The sample order's coupon: what the consumer pays is net of it.
      discount_minor: 500,
      total_minor: 4988,
      currency: 'EUR',
    });
  });

  it('follows a cancellation in the shop instead of creating a new order', async () => {
    const merchant = await createTestMerchant(platform);
    shopifyOrders = [shopifyOrder(2001)];
    await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: { credentials: shopifyCredentials() },
    });
    await http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', { token: merchant.token });
    shopifyOrders = [shopifyOrder(2001, { cancelled_at: '2026-11-25T10:00:00Z' })];
    const resync = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', {
      token: merchant.token,
    });
    expect(resync.body).toMatchObject({ created: 0, updated: 1 });
    const orders = await http(platform.baseUrl, 'GET', '/api/orders?q=shopify-2001', {
      token: merchant.token,
    });
    expect(orders.body.items).toHaveLength(1);
    expect(orders.body.items[0]).toMatchObject({
      status: 'CANCELLED',
      cancel_reason: 'Cancelled in Shopify',
    });
  });

  it('takes what changed in the shop while the order may change, and says why when it may not', async () => {
    const merchant = await createTestMerchant(platform);
    const sample = shopifyOrder(3001) as unknown as { shipping_address: object; line_items: object[] };
    shopifyOrders = [sample];
    await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: { credentials: shopifyCredentials() },
    });
    const sync = () =>
      http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', { token: merchant.token });
    const importedOrder = async () =>
      (await http(platform.baseUrl, 'GET', '/api/orders?q=shopify-3001', { token: merchant.token })).body
        .items[0];
    await sync();
    const original = await importedOrder();

    // Before a payment is asked for, everything follows the shop: address, lines, discount.
    shopifyOrders = [
      shopifyOrder(3001, {
        shipping_address: { ...sample.shipping_address, address1: 'Prinsengracht 1' },
        line_items: [sample.line_items[0]],
        total_discounts: '0.00',
      }),
    ];
    expect((await sync()).body).toMatchObject({ updated: 1, rejected: 0, rejections: [] });
    const revised = await importedOrder();
    expect(revised).toMatchObject({
      id: original.id,
      customer: { address: { line1: 'Prinsengracht 1' } },
      items: [{ sku: 'TSHIRT-M', quantity: 2 }],
      discount_minor: 0,
      total_minor: 2 * 1999 + 495,
    });
    const updated = await platform.database.db
      .selectFrom('domain_events')
      .select('payload')
      .where('resource_id', '=', original.id)
      .where('type', '=', 'order.updated')
      .executeTakeFirstOrThrow();
    expect(updated.payload).toMatchObject({
      changed: ['customer.address.line1', 'items', 'discount_minor'],
      totalMinor: 4493,
    });
    expect((await sync()).body).toMatchObject({ updated: 0, unchanged: 1 });

    // While a payment session waits, the amount stays what the consumer was asked for; the address may change.
    await http(platform.baseUrl, 'POST', `/api/orders/${original.id}/create-session`, {
      token: merchant.token,
    });
    shopifyOrders = [
      shopifyOrder(3001, {
        shipping_address: { ...sample.shipping_address, address1: 'Prinsengracht 2' },
        line_items: [sample.line_items[0]],
        total_discounts: '10.00',
      }),
    ];
    const refused = await sync();
    expect(refused.body).toMatchObject({ updated: 0, rejected: 1 });
    expect(refused.body.rejections).toEqual([
      {
        platform_order_id: '3001',
        reason: expect.stringContaining(
          'waits for a payment of 4493 EUR; the new total 3493 EUR was not applied',
        ),
      },
    ]);
    expect(await importedOrder()).toMatchObject({
      total_minor: 4493,
      customer: { address: { line1: 'Prinsengracht 1' } },
    });
    shopifyOrders = [
      shopifyOrder(3001, {
        shipping_address: { ...sample.shipping_address, address1: 'Prinsengracht 2' },
        line_items: [sample.line_items[0]],
        total_discounts: '0.00',
      }),
    ];
    expect((await sync()).body).toMatchObject({ updated: 1, rejected: 0 });
    expect(await importedOrder()).toMatchObject({
      status: 'PAYMENT_PENDING',
      total_minor: 4493,
      customer: { address: { line1: 'Prinsengracht 2' } },
    });
  });

  describe('fulfilment tracking', () => {
    const fulfilled = (id: number, numbers: string[]) =>
      shopifyOrder(id, {
        fulfillment_status: 'fulfilled',
        fulfillments: [
          {
            id: id * 10,
            status: 'success',
            created_at: '2026-11-27T16:05:12+01:00',
            tracking_company: 'PostNL',
            tracking_number: numbers[0],
            tracking_numbers: numbers,
          },
          // A cancelled fulfilment shipped nothing: its number is not a piece of the order.
          { id: id * 10 + 1, status: 'cancelled', tracking_numbers: ['3SCANCELLED0001'] },
        ],
      });
    async function connectedMerchant() {
      const merchant = await createTestMerchant(platform);
      await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
        token: merchant.token,
        body: { credentials: shopifyCredentials() },
      });
      const sync = async () =>
        (await http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', { token: merchant.token }))
          .body;
      const order = async (reference: string) => {
        const list = await http(platform.baseUrl, 'GET', `/api/orders?q=${reference}`, {
          token: merchant.token,
        });
        const id = list.body.items[0].id as string;
        return (await http(platform.baseUrl, 'GET', `/api/orders/${id}`, { token: merchant.token })).body;
      };
      return { merchant, sync, order };
    }
    const tracking = (detail: { parcels: Array<{ tracking_number: string; source: string }> }) =>
      detail.parcels.map((p) => [p.tracking_number, p.source]);

    it('sets every tracked piece with source shop, once', async () => {
      const { sync, order } = await connectedMerchant();
      shopifyOrders = [fulfilled(5001, ['3SABCD0000001', '3s abcd 0000002'])];
      expect(await sync()).toMatchObject({ created: 1, rejected: 0, shipment_refusals: [] });
      const detail = await order('shopify-5001');
      expect(tracking(detail)).toEqual([
        ['3SABCD0000001', 'shop'],
        ['3SABCD0000002', 'shop'],
      ]);
      expect(detail.parcels[0].ship_date).toBe('2026-11-27');
      const events = () =>
        platform.database.db
          .selectFrom('domain_events')
          .select('payload')
          .where('resource_id', '=', detail.id)
          .where('type', '=', 'order.shipment_updated')
          .execute();
      expect(await events()).toHaveLength(1);

      expect(await sync()).toMatchObject({ updated: 0, unchanged: 1 });
      expect(await events()).toHaveLength(1);

      // The shop corrects a number: the sync's own facts follow the shop.
      shopifyOrders = [fulfilled(5001, ['3SABCD0000001', '3SABCD0000003'])];
      expect(await sync()).toMatchObject({ updated: 1 });
      expect(tracking(await order('shopify-5001'))).toEqual([
        ['3SABCD0000001', 'shop'],
        ['3SABCD0000003', 'shop'],
      ]);
    });

    it('never replaces facts the merchant set', async () => {
      const { merchant, sync, order } = await connectedMerchant();
      shopifyOrders = [shopifyOrder(5101)];
      await sync();
      const { id } = await order('shopify-5101');
      const put = await http(platform.baseUrl, 'PUT', `/api/orders/${id}/shipment`, {
        token: merchant.token,
        body: { parcels: [{ tracking_number: '3SMERCHANT0001' }] },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      shopifyOrders = [fulfilled(5101, ['3SSHOP00000001'])];
      expect(await sync()).toMatchObject({ updated: 0, unchanged: 1, shipment_refusals: [] });
      expect(tracking(await order('shopify-5101'))).toEqual([['3SMERCHANT0001', 'merchant']]);
    });

    it("reports a number that is another order's piece and still imports the order", async () => {
      const { sync, order } = await connectedMerchant();
      shopifyOrders = [fulfilled(5201, ['3STAKEN0000001'])];
      await sync();
      shopifyOrders = [
        fulfilled(5201, ['3STAKEN0000001']),
        fulfilled(5202, ['3SFREE00000001', '3STAKEN0000001']),
      ];
      const result = await sync();
      expect(result).toMatchObject({ created: 1, unchanged: 1, rejected: 0 });
      expect(result.shipment_refusals).toEqual([
        {
          platform_order_id: '5202',
          reason: expect.stringContaining('3STAKEN0000001 is already a parcel of another order'),
        },
      ]);
      // Nothing of the refused facts is kept: not even the free number.
      expect(tracking(await order('shopify-5202'))).toEqual([]);
      expect(tracking(await order('shopify-5201'))).toEqual([['3STAKEN0000001', 'shop']]);
    });
  });

  it('names the field of a shop order it cannot map', async () => {
    const merchant = await createTestMerchant(platform);
    shopifyOrders = [shopifyOrder(4001, { shipping_address: null })];
    await http(platform.baseUrl, 'POST', '/api/integrations/shopify/connect', {
      token: merchant.token,
      body: { credentials: shopifyCredentials() },
    });
    const result = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/sync', {
      token: merchant.token,
    });
    expect(result.body).toMatchObject({ created: 0, rejected: 1 });
    expect(result.body.rejections).toEqual([
      { platform_order_id: '4001', reason: expect.stringMatching(/^shipping_address: /) },
    ]);
  });

  it('connects WooCommerce with Basic auth and syncs without duplicates', async () => {
    const merchant = await createTestMerchant(platform);
    const credentials = { store_url: woo.url, consumer_key: WOO_KEY, consumer_secret: WOO_SECRET };
    const bad = await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/connect', {
      token: merchant.token,
      body: { credentials: { ...credentials, consumer_secret: 'cs_wrong' } },
    });
    expect(bad.status).toBe(422);
    const good = await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/connect', {
      token: merchant.token,
      body: { credentials },
    });
    expect(good.body.status).toBe('connected');
    expect(
      (await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/sync', { token: merchant.token }))
        .body,
    ).toMatchObject({ created: 1 });
    expect(
      (await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/sync', { token: merchant.token }))
        .body,
    ).toMatchObject({ created: 0, unchanged: 1 });
    const disconnected = await http(platform.baseUrl, 'POST', '/api/integrations/woocommerce/disconnect', {
      token: merchant.token,
    });
    expect(disconnected.body.status).toBe('not_connected');
  });

  it('simulates a sample order through the mapping, without credentials', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'POST', '/api/integrations/amazon_de/simulate', {
      token: merchant.token,
    });
    expect(response.status).toBe(200);
    expect(response.body.outcome).toBe('created');
    expect(response.body.order).toMatchObject({ status: 'OPEN', items_total_minor: 5998 });
    expect(response.body.order.customer.address.country).toBe('DE');
  });

  // Each platform's sample order carries its own discount, in that platform's fields and semantics.
  it.each([
    [
      'bigcommerce',
      { items_total_minor: 10_900, shipping_minor: 750, discount_minor: 1000, total_minor: 10_650 },
    ],
    ['magento', { items_total_minor: 4200, shipping_minor: 500, discount_minor: 420, total_minor: 4280 }],
    ['prestashop', { items_total_minor: 2390, shipping_minor: 605, discount_minor: 239, total_minor: 2756 }],
    ['lightspeed', { items_total_minor: 4990, shipping_minor: 595, discount_minor: 500, total_minor: 5085 }],
    ['shopware', { items_total_minor: 3998, shipping_minor: 499, discount_minor: 400, total_minor: 4097 }],
    ['picqer', { items_total_minor: 1396, shipping_minor: 0, discount_minor: 140, total_minor: 1256 }],
    ['odoo', { items_total_minor: 54_450, shipping_minor: 995, discount_minor: 5445, total_minor: 50_000 }],
    ['opencart', { items_total_minor: 10_100, shipping_minor: 500, discount_minor: 1010, total_minor: 9590 }],
    [
      'nopcommerce',
      { items_total_minor: 12_000, shipping_minor: 0, discount_minor: 1200, total_minor: 10_800 },
    ],
    ['amazon_de', { items_total_minor: 5998, shipping_minor: 0, discount_minor: 600, total_minor: 5398 }],
  ])('simulates a %s order with its discount taken off the amount collected', async (provider, amounts) => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'POST', `/api/integrations/${provider}/simulate`, {
      token: merchant.token,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.order).toMatchObject(amounts);
  });

  it('refuses to connect a simulate-only provider', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await http(platform.baseUrl, 'POST', '/api/integrations/temu/connect', {
      token: merchant.token,
      body: { credentials: {} },
    });
    expect(response.status).toBe(422);
  });
});
