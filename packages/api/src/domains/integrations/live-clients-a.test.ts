import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestMerchant, createTestPlatform, http, type TestPlatform } from '../../testing';
import { getProvider } from './registry';
import {
  startFakeBigCommerce,
  startFakeLightspeed,
  startFakeMagento,
  startFakePrestaShop,
  type FakeShop,
  type PrestaShopData,
} from './testing/fake-shops-a';

const BC_HASH = 'abc123xyz';
const BC_TOKEN = 'bc_token_0123456789abcdef';
const MAGENTO_TOKEN = 'magento_token_0123456789abcdef';
const PS_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const LS_KEY = 'ls_key_0123456789';
const LS_SECRET = 'ls_secret_0123456789';

/** One provider's live client against its fake: how to connect, what the shop holds, how it cancels. */
interface LiveCase {
  provider: string;
  secret: string;
  credentials(): Record<string, unknown>;
  badCredentials(): Record<string, unknown>;
  platformError: string;
  /** The fake's orders: two, with ids 1001 and 1002. */
  seed(): void;
  cancel(id: number): void;
  references: [string, string];
  /** What order 1001 becomes, read through the platform's real wire format. */
  expected: {
    items_total_minor: number;
    shipping_minor: number;
    /** The platform's order-level discount, and the total it says the customer owes. */
    discount_minor: number;
    total_minor: number;
    currency: string;
    country: string;
  };
  /** Makes order 1001's platform total disagree with its lines, shipping and discount. */
  skewTotal(): void;
  /** Requests one sync makes (a bound on calls per sync, not per order, where the platform allows it). */
  requestsPerSync: number;
}

let platform: TestPlatform;
const fakes: FakeShop<unknown>[] = [];
let bigcommerce: Awaited<ReturnType<typeof startFakeBigCommerce>>;
let magento: Awaited<ReturnType<typeof startFakeMagento>>;
let prestashop: Awaited<ReturnType<typeof startFakePrestaShop>>;
let lightspeed: Awaited<ReturnType<typeof startFakeLightspeed>>;

const sample = <T>(provider: string, seed: string) =>
  structuredClone(getProvider(provider).sampleOrder(seed)) as T;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  bigcommerce = await startFakeBigCommerce(BC_HASH, BC_TOKEN);
  magento = await startFakeMagento(MAGENTO_TOKEN);
  prestashop = await startFakePrestaShop(PS_KEY);
  lightspeed = await startFakeLightspeed(LS_KEY, LS_SECRET);
  fakes.push(bigcommerce, magento, prestashop, lightspeed);
});

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  await platform.close();
});

const CASES: LiveCase[] = [
  {
    provider: 'bigcommerce',
    secret: BC_TOKEN,
    credentials: () => ({ store_hash: BC_HASH, access_token: BC_TOKEN, base_url: bigcommerce.url }),
    badCredentials: () => ({
      store_hash: BC_HASH,
      access_token: 'bc_wrong_0123456789',
      base_url: bigcommerce.url,
    }),
    platformError: 'No valid credentials were found in this request',
    seed: () => {
      bigcommerce.orders = [1002, 1001].map((id) => ({ ...sample<object>('bigcommerce', String(id)), id }));
    },
    cancel: (id) => {
      const order = bigcommerce.orders.find((o) => o.id === id)!;
      Object.assign(order, { status_id: 5, status: 'Cancelled' });
    },
    references: ['bigcommerce-1001', 'bigcommerce-1002'],
    // coupon_discount 10.00 off 109.00 + 7.50: total_inc_tax 106.50.
    expected: {
      items_total_minor: 10900,
      shipping_minor: 750,
      discount_minor: 1000,
      total_minor: 10650,
      currency: 'EUR',
      country: 'NL',
    },
    skewTotal: () => {
      Object.assign(
        bigcommerce.orders.find((o) => o.id === 1001)!,
        { total_inc_tax: '116.5000' },
      );
    },
    requestsPerSync: 1,
  },
  {
    provider: 'magento',
    secret: MAGENTO_TOKEN,
    credentials: () => ({ base_url: magento.url, access_token: MAGENTO_TOKEN }),
    badCredentials: () => ({ base_url: magento.url, access_token: 'magento_wrong_0123456789' }),
    platformError: "The consumer isn't authorized to access Magento_Backend::store.",
    seed: () => {
      magento.orders = [1002, 1001].map((id) => sample('magento', String(id)));
    },
    cancel: (id) => {
      magento.orders.find((o) => o.entity_id === id)!.status = 'canceled';
    },
    references: ['magento-000001001', 'magento-000001002'],
    // discount_amount -4.20 off 42.00 + 5.00: grand_total 42.80.
    expected: {
      items_total_minor: 4200,
      shipping_minor: 500,
      discount_minor: 420,
      total_minor: 4280,
      currency: 'EUR',
      country: 'DE',
    },
    skewTotal: () => {
      Object.assign(
        magento.orders.find((o) => o.entity_id === 1001)!,
        { grand_total: 47 },
      );
    },
    requestsPerSync: 1,
  },
  {
    provider: 'prestashop',
    secret: PS_KEY,
    credentials: () => ({ shop_url: prestashop.url, webservice_key: PS_KEY }),
    badCredentials: () => ({ shop_url: prestashop.url, webservice_key: 'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ' }),
    platformError: 'Authentification key does not exist',
    seed: () => {
      // Two customers with their own addresses in two countries: fetched together with filter[id]=[a|b].
      prestashop.orders = [1001, 1002].map((id, index) => {
        const record = sample<PrestaShopData>('prestashop', String(id));
        record.order.id_customer = String(10 + index);
        record.order.id_address_delivery = String(20 + index);
        record.customer.id = 10 + index;
        record.address.id = 20 + index;
        record.address.id_country = String(13 + index * 5);
        record.country = index === 0 ? { id: 13, iso_code: 'NL' } : { id: 18, iso_code: 'BE' };
        return record;
      });
    },
    cancel: (id) => {
      prestashop.orders.find((r) => r.order.id === id)!.order.current_state = '6';
    },
    references: ['prestashop-XKBKNABJK1001', 'prestashop-XKBKNABJK1002'],
    // total_discounts_tax_incl 2.39 off 23.90 + 6.05: total_paid_tax_incl 27.56.
    expected: {
      items_total_minor: 2390,
      shipping_minor: 605,
      discount_minor: 239,
      total_minor: 2756,
      currency: 'EUR',
      country: 'NL',
    },
    skewTotal: () => {
      prestashop.orders.find((r) => r.order.id === 1001)!.order.total_paid_tax_incl = '29.950000';
    },
    requestsPerSync: 5,
  },
  {
    provider: 'lightspeed',
    secret: LS_SECRET,
    credentials: () => ({ cluster: 'eu1', api_key: LS_KEY, api_secret: LS_SECRET, base_url: lightspeed.url }),
    badCredentials: () => ({
      cluster: 'eu1',
      api_key: LS_KEY,
      api_secret: 'ls_wrong_0123456789',
      base_url: lightspeed.url,
    }),
    platformError: 'Invalid API key or secret',
    seed: () => {
      lightspeed.orders = [1002, 1001].map((id) => sample('lightspeed', String(id)));
    },
    cancel: (id) => {
      lightspeed.orders.find((r) => r.order.id === id)!.order.status = 'cancelled';
    },
    references: ['lightspeed-ORD1001', 'lightspeed-ORD1002'],
    // discountAmount 5.00 off 49.90 + 5.95: priceIncl 50.85.
    expected: {
      items_total_minor: 4990,
      shipping_minor: 595,
      discount_minor: 500,
      total_minor: 5085,
      currency: 'EUR',
      country: 'NL',
    },
    skewTotal: () => {
      lightspeed.orders.find((r) => r.order.id === 1001)!.order.priceIncl = 55.85;
    },
    // The order list, then each order's lines (a sub-resource).
    requestsPerSync: 3,
  },
];

describe.each(CASES)('$provider live client', (c) => {
  const connect = (token: string, credentials: Record<string, unknown>) =>
    http(platform.baseUrl, 'POST', `/api/integrations/${c.provider}/connect`, {
      token,
      body: { credentials },
    });
  const sync = (token: string) =>
    http(platform.baseUrl, 'POST', `/api/integrations/${c.provider}/sync`, { token });
  const storedFor = (merchantId: string) =>
    platform.database.db
      .selectFrom('integrations')
      .select(['provider', 'credentials_sealed'])
      .where('merchant_id', '=', merchantId)
      .execute();

  it('refuses credentials the platform rejects with its own message, storing nothing', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await connect(merchant.token, c.badCredentials());
    expect(response.status).toBe(422);
    expect(response.body.detail).toContain(c.platformError);
    expect(await storedFor(merchant.user.organization.id)).toEqual([]);
  });

  it('connects with one real call, seals the credentials and never returns them', async () => {
    const merchant = await createTestMerchant(platform);
    const response = await connect(merchant.token, c.credentials());
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ status: 'connected', capabilities: { live: true } });
    expect(JSON.stringify(response.body)).not.toContain(c.secret);
    const [row] = await storedFor(merchant.user.organization.id);
    expect(row?.credentials_sealed).toMatch(/^v1:/);
    expect(row?.credentials_sealed).not.toContain(c.secret);
    const state = await http(platform.baseUrl, 'GET', `/api/integrations/${c.provider}`, {
      token: merchant.token,
    });
    expect(JSON.stringify(state.body)).not.toContain(c.secret);
  });

  it('syncs twice without duplicates and follows a cancellation in the shop', async () => {
    const merchant = await createTestMerchant(platform);
    c.seed();
    expect((await connect(merchant.token, c.credentials())).status).toBe(200);
    const fake = fakes[CASES.indexOf(c)]!;
    const before = fake.requests.length;
    const first = await sync(merchant.token);
    expect(first.body).toMatchObject({ fetched: 2, created: 2, updated: 0, unchanged: 0, rejected: 0 });
    expect(fake.requests.length - before).toBe(c.requestsPerSync);
    const second = await sync(merchant.token);
    expect(second.body).toMatchObject({ fetched: 2, created: 0, updated: 0, unchanged: 2 });

    const orders = await http(platform.baseUrl, 'GET', `/api/orders?q=${c.provider}-`, {
      token: merchant.token,
    });
    const byReference = new Map(
      orders.body.items.map((o: { merchant_reference: string }) => [o.merchant_reference, o]),
    );
    expect([...byReference.keys()].sort()).toEqual(c.references);
    expect(byReference.get(c.references[0])).toMatchObject({
      items_total_minor: c.expected.items_total_minor,
      shipping_minor: c.expected.shipping_minor,
      discount_minor: c.expected.discount_minor,
      total_minor: c.expected.total_minor,
      currency: c.expected.currency,
      customer: { address: { country: c.expected.country } },
    });

    c.cancel(1001);
    const third = await sync(merchant.token);
    expect(third.body).toMatchObject({ fetched: 2, created: 0, updated: 1, unchanged: 1 });
    const after = await http(platform.baseUrl, 'GET', `/api/orders?q=${c.references[0]}`, {
      token: merchant.token,
    });
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0].status).toBe('CANCELLED');
  });

  it('refuses an order whose platform total differs from its lines, shipping and discount', async () => {
    const merchant = await createTestMerchant(platform);
    c.seed();
    c.skewTotal();
    expect((await connect(merchant.token, c.credentials())).status).toBe(200);
    const result = await sync(merchant.token);
    expect(result.body).toMatchObject({ fetched: 2, created: 1, rejected: 1 });
    const orders = await http(platform.baseUrl, 'GET', `/api/orders?q=${c.provider}-`, {
      token: merchant.token,
    });
    expect(orders.body.items.map((o: { merchant_reference: string }) => o.merchant_reference)).toEqual([
      c.references[1],
    ]);
  });
});

describe('live clients a: edge cases', () => {
  it('reads an empty BigCommerce order list (204, no body) as no orders', async () => {
    const merchant = await createTestMerchant(platform);
    bigcommerce.orders = [];
    await http(platform.baseUrl, 'POST', '/api/integrations/bigcommerce/connect', {
      token: merchant.token,
      body: { credentials: CASES[0]!.credentials() },
    });
    const response = await http(platform.baseUrl, 'POST', '/api/integrations/bigcommerce/sync', {
      token: merchant.token,
    });
    expect(response.body).toMatchObject({ fetched: 0, created: 0 });
  });

  it("reads PrestaShop's empty list ([] instead of { orders: [] }) as no orders", async () => {
    const merchant = await createTestMerchant(platform);
    prestashop.orders = [];
    await http(platform.baseUrl, 'POST', '/api/integrations/prestashop/connect', {
      token: merchant.token,
      body: { credentials: CASES[2]!.credentials() },
    });
    const response = await http(platform.baseUrl, 'POST', '/api/integrations/prestashop/sync', {
      token: merchant.token,
    });
    expect(response.body).toMatchObject({ fetched: 0, created: 0 });
  });
});
