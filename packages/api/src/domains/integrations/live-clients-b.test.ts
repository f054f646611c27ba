import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  sendJson,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
  type TestPlatform,
} from '../../testing';
import { getProvider } from './registry';

type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;
type Json = Record<string, unknown>;

let platform: TestPlatform;

beforeAll(async () => {
  platform = await createTestPlatform({ env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
});
afterAll(async () => {
  await platform.close();
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const bodyOf = (request: RecordedRequest) => JSON.parse(request.body) as Json;

function connect(merchant: Merchant, provider: string, credentials: Json) {
  return http(platform.baseUrl, 'POST', `/api/integrations/${provider}/connect`, {
    token: merchant.token,
    body: { credentials },
  });
}
function sync(merchant: Merchant, provider: string) {
  return http(platform.baseUrl, 'POST', `/api/integrations/${provider}/sync`, { token: merchant.token });
}
function storedIntegrations(merchant: Merchant) {
  return platform.database.db
    .selectFrom('integrations')
    .select(['provider', 'credentials_sealed'])
    .where('merchant_id', '=', merchant.user.organization.id)
    .execute();
}
async function ordersOf(merchant: Merchant, prefix: string) {
  const response = await http(platform.baseUrl, 'GET', `/api/orders?q=${prefix}-`, { token: merchant.token });
  return response.body.items as Array<{
    merchant_reference: string;
    status: string;
    items_total_minor: number;
    shipping_minor: number;
    discount_minor: number;
    total_minor: number;
    customer: { name: string; email: string; address: { line1: string; country: string } };
  }>;
}

/** Connects with good credentials and proves they are sealed at rest and absent from the answer. */
async function connectSealed(merchant: Merchant, provider: string, credentials: Json, secret: string) {
  const response = await connect(merchant, provider, credentials);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  expect(response.body.status).toBe('connected');
  expect(JSON.stringify(response.body)).not.toContain(secret);
  const [row] = await storedIntegrations(merchant);
  expect(row?.credentials_sealed).toMatch(/^v1:/);
  expect(row?.credentials_sealed).not.toContain(secret);
}

/** Bad credentials: a 422 problem carrying the platform's own words, and no row. */
async function expectRefused(merchant: Merchant, provider: string, credentials: Json, message: string) {
  const response = await connect(merchant, provider, credentials);
  expect(response.status).toBe(422);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.detail).toContain(message);
  expect(await storedIntegrations(merchant)).toEqual([]);
}

describe('Shopware 6 Admin API', () => {
  const KEY_ID = 'SWIAQ0NVBWLKAEFHMWDUSJFKRW';
  const SECRET = 'bXpPZ1RlWkFCSG9lbHJ3T3lKY3VRcVhB';
  const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.shopware';
  let server: FakeServer;
  let orders: Json[];

  const order = (n: number, state = 'open') => ({
    ...(getProvider('shopware').sampleOrder(String(n)) as Json),
    stateMachineState: { technicalName: state, apiAlias: 'state_machine_state' },
    apiAlias: 'order',
  });

  beforeAll(async () => {
    orders = [order(7002), order(7001)];
    server = await startFakeServer((request, response) => {
      if (request.method === 'POST' && request.path === '/api/oauth/token') {
        const body = bodyOf(request);
        if (body.grant_type !== 'client_credentials') {
          return sendJson(response, 400, {
            errors: [{ code: '2', status: '400', title: 'Bad Request', detail: 'Unsupported grant type' }],
          });
        }
        if (body.client_id !== KEY_ID || body.client_secret !== SECRET) {
          return sendJson(response, 401, {
            errors: [
              { code: '4', status: '401', title: 'Unauthorized', detail: 'Client authentication failed' },
            ],
          });
        }
        return sendJson(response, 200, { token_type: 'Bearer', expires_in: 600, access_token: TOKEN });
      }
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        return sendJson(response, 401, {
          errors: [
            { code: '9', status: '401', title: 'Unauthorized', detail: 'The access token is invalid.' },
          ],
        });
      }
      if (request.method === 'POST' && request.path === '/api/search/order') {
        const criteria = bodyOf(request) as { limit: number; includes?: unknown; associations?: Json };
        // Without Accept: application/json Shopware answers JSON:API, which the client must not depend on.
        if (request.headers.accept !== 'application/json') {
          return sendJson(response, 200, { data: [{ id: 'x', type: 'order', attributes: {} }] });
        }
        if (criteria.includes) {
          return sendJson(response, 200, {
            total: 1,
            data: [{ id: 'x', apiAlias: 'order' }],
            aggregations: [],
          });
        }
        expect(Object.keys(criteria.associations ?? {})).toEqual(
          expect.arrayContaining(['lineItems', 'deliveries', 'orderCustomer', 'currency']),
        );
        return sendJson(response, 200, {
          total: orders.length,
          data: orders.slice(0, criteria.limit),
          aggregations: [],
        });
      }
      sendJson(response, 404, {
        errors: [{ code: '0', status: '404', title: 'Not Found', detail: 'No route' }],
      });
    });
  });
  afterAll(() => server.close());

  const credentials = (secret = SECRET) => ({
    shop_url: server.url,
    client_id: KEY_ID,
    client_secret: secret,
  });

  it('refuses credentials Shopware rejects with its own message, storing nothing', async () => {
    const merchant = await createTestMerchant(platform);
    await expectRefused(
      merchant,
      'shopware',
      credentials('wrong-secret-value'),
      'Client authentication failed',
    );
  });

  it('connects with an OAuth client-credentials token, syncs without duplicates and follows a cancellation', async () => {
    const merchant = await createTestMerchant(platform);
    await connectSealed(merchant, 'shopware', credentials(), SECRET);
    expect((await sync(merchant, 'shopware')).body).toMatchObject({ fetched: 2, created: 2, rejected: 0 });
    orders = [order(7002, 'cancelled'), order(7001)];
    expect((await sync(merchant, 'shopware')).body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const imported = await ordersOf(merchant, 'shopware');
    expect(imported.map((o) => o.merchant_reference).sort()).toEqual(['shopware-7001', 'shopware-7002']);
    expect(imported.find((o) => o.merchant_reference === 'shopware-7002')?.status).toBe('CANCELLED');
    // The promotion line (-4.00) is the discount; amountTotal 40.97 is what the customer owes.
    expect(imported.find((o) => o.merchant_reference === 'shopware-7001')).toMatchObject({
      items_total_minor: 3998,
      shipping_minor: 499,
      discount_minor: 400,
      total_minor: 4097,
      customer: { name: 'Max Schmidt', address: { line1: 'Ebbinghoff 10', country: 'DE' } },
    });
  });
});

describe('bol.com Retailer API v10', () => {
  const CLIENT_ID = 'a1b2c3d4-bol-client';
  const CLIENT_SECRET = 'Xk2mN9pQ4rT7vW1y-secret';
  const TOKEN = 'eyJraWQiOiJyc2ExIiwiYWxnIjoiUlMyNTYifQ.bol';
  const V10 = 'application/vnd.retailer.v10+json';
  let login: FakeServer;
  let api: FakeServer;
  let details: Map<string, Json>;

  const sendV10 = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, {
      'content-type': status < 300 ? V10 : 'application/vnd.retailer.v10+json+problem',
    });
    response.end(JSON.stringify(body));
  };
  const problem = (status: number, title: string, detail: string) => ({
    type: 'https://api.bol.com/problems',
    title,
    status,
    detail,
    host: 'Instance-001',
    instance: 'https://api.bol.com/retailer/orders',
  });
  const detail = (seed: string, item: Json = {}) => {
    const sample = getProvider('bol').sampleOrder(seed) as { orderItems: Json[] } & Json;
    return { ...sample, orderItems: [{ ...sample.orderItems[0], ...item }] };
  };

  beforeAll(async () => {
    details = new Map(['1042', '1043', '1044'].map((seed) => [`A2K8${seed}`, detail(seed)]));
    login = await startFakeServer((request, response) => {
      if (request.method !== 'POST' || request.path !== '/token?grant_type=client_credentials') {
        return sendJson(response, 404, { error: 'not_found', error_description: 'No such endpoint' });
      }
      if (request.headers.authorization !== basic(CLIENT_ID, CLIENT_SECRET)) {
        return sendJson(response, 401, {
          error: 'invalid_client',
          error_description: 'Bad client credentials',
        });
      }
      sendJson(response, 200, {
        access_token: TOKEN,
        token_type: 'Bearer',
        expires_in: 299,
        scope: 'RETAILER',
      });
    });
    api = await startFakeServer((request, response) => {
      if (request.headers.accept !== V10) {
        return sendV10(response, 406, problem(406, 'Not Acceptable', 'Unsupported media type'));
      }
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        return sendV10(response, 401, problem(401, 'Unauthorized', 'Full authentication is required'));
      }
      if (request.path === '/retailer/orders?fulfilment-method=FBR&status=ALL') {
        return sendV10(response, 200, {
          orders: [...details.keys()].map((orderId) => ({
            orderId,
            orderPlacedDateTime: '2026-11-25T10:15:00+01:00',
            orderItems: [{ orderItemId: `${orderId}-1`, ean: '8712626055150', quantity: 1 }],
          })),
        });
      }
      const found = details.get(decodeURIComponent(request.path.replace('/retailer/orders/', '')));
      if (found) return sendV10(response, 200, found);
      sendV10(response, 404, problem(404, 'Not Found', 'Order not found'));
    });
  });
  afterAll(async () => {
    await login.close();
    await api.close();
  });

  const credentials = (secret = CLIENT_SECRET) => ({
    client_id: CLIENT_ID,
    client_secret: secret,
    login_url: login.url,
    api_url: api.url,
  });

  it('refuses credentials the bol.com token server rejects, storing nothing', async () => {
    const merchant = await createTestMerchant(platform);
    await expectRefused(merchant, 'bol', credentials('wrong-secret-1234'), 'Bad client credentials');
  });

  it('asks for one token per sync, fetches each order, and follows a cancellation without duplicates', async () => {
    const merchant = await createTestMerchant(platform);
    await connectSealed(merchant, 'bol', credentials(), CLIENT_SECRET);

    const tokensBefore = login.requests.length;
    const apiBefore = api.requests.length;
    expect((await sync(merchant, 'bol')).body).toMatchObject({ fetched: 3, created: 3, rejected: 0 });
    expect(login.requests.length - tokensBefore).toBe(1);
    // The order list and three order details, all with the one token.
    expect(api.requests.length - apiBefore).toBe(4);

    details.set('A2K81043', detail('1043', { quantityCancelled: 1 }));
    const tokensBeforeSecond = login.requests.length;
    expect((await sync(merchant, 'bol')).body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    expect(login.requests.length - tokensBeforeSecond).toBe(1);

    const imported = await ordersOf(merchant, 'bol');
    expect(imported).toHaveLength(3);
    expect(imported.find((o) => o.merchant_reference === 'bol-A2K81043')?.status).toBe('CANCELLED');
    expect(imported.find((o) => o.merchant_reference === 'bol-A2K81042')).toMatchObject({
      items_total_minor: 3499,
      discount_minor: 0,
      total_minor: 3499,
      customer: { address: { line1: 'Utrechtseweg 99 A' } },
    });
  });
});

describe('Picqer', () => {
  const API_KEY = 'pqk_0123456789abcdefghijklmnop';
  let server: FakeServer;
  let orders: Json[];

  const order = (idorder: number, status = 'processing') => ({
    ...(getProvider('picqer').sampleOrder(String(idorder)) as Json),
    idorder,
    status,
  });

  beforeAll(async () => {
    orders = [order(3101), order(3102), order(3103)];
    server = await startFakeServer((request, response) => {
      if (request.headers.authorization !== basic(API_KEY, '')) {
        return sendJson(response, 401, { error: true, error_code: 3, error_message: 'Invalid API key' });
      }
      if (request.path === '/api/v1/users/me') {
        return sendJson(response, 200, { iduser: 12, username: 'api', firstname: 'API', active: true });
      }
      // Newest first, 100 per page.
      if (request.path === '/api/v1/orders?offset=0') {
        return sendJson(
          response,
          200,
          [...orders].sort((a, b) => Number(b.idorder) - Number(a.idorder)),
        );
      }
      sendJson(response, 404, { error: true, error_code: 1, error_message: 'Not found' });
    });
  });
  afterAll(() => server.close());

  const credentials = (apiKey = API_KEY) => ({
    subdomain: 'demo-shop',
    api_key: apiKey,
    base_url: server.url,
  });

  it('refuses an API key Picqer rejects, storing nothing', async () => {
    const merchant = await createTestMerchant(platform);
    await expectRefused(merchant, 'picqer', credentials('pqk_wrong_key_000000'), 'Invalid API key');
  });

  it('connects with Basic auth, syncs without duplicates and follows a cancellation', async () => {
    const merchant = await createTestMerchant(platform);
    await connectSealed(merchant, 'picqer', credentials(), API_KEY);
    expect((await sync(merchant, 'picqer')).body).toMatchObject({ fetched: 3, created: 3, rejected: 0 });
    orders = [order(3101, 'cancelled'), order(3102), order(3103)];
    expect((await sync(merchant, 'picqer')).body).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const imported = await ordersOf(merchant, 'picqer');
    expect(imported).toHaveLength(3);
    expect(imported.find((o) => o.merchant_reference === 'picqer-20243101')?.status).toBe('CANCELLED');
    // discount is a percentage: 10% of 13.96 is 1.396, rounded to 1.40.
    expect(imported[0]).toMatchObject({
      items_total_minor: 1396,
      discount_minor: 140,
      total_minor: 1256,
      customer: { address: { country: 'NL' } },
    });
  });
});

describe('Odoo JSON-RPC', () => {
  const DB = 'ipay-demo';
  const LOGIN = 'admin@example.nl';
  const API_KEY = '6f1c0e2b9d8a7f6e5d4c3b2a19081726';
  const UID = 2;
  let server: FakeServer;
  let orderState: Record<number, string>;

  const rpcError = (id: unknown, name: string, message: string) => ({
    jsonrpc: '2.0',
    id,
    error: {
      code: 200,
      message: 'Odoo Server Error',
      data: {
        name,
        debug: 'Traceback (most recent call last): …',
        message,
        arguments: [message],
        context: {},
      },
    },
  });
  const partner = {
    id: 7,
    name: 'Sem Mulder',
    email: 'sem.mulder@example.nl',
    phone: false,
    street: 'Stationsplein 1',
    street2: false,
    zip: '2011 LR',
    city: 'Haarlem',
    country_code: 'NL',
  };
  const line = (id: number, orderId: number, product: [number, string] | false, extra: Json) => ({
    id,
    order_id: [orderId, `S0${orderId}`],
    product_id: product,
    display_type: false,
    ...extra,
  });
  const lines = [
    line(1, 11, [31, '[FURN_7800] Desk Combination'], {
      name: 'Desk',
      product_uom_qty: 2,
      price_total: 1089,
      is_delivery: false,
    }),
    line(2, 11, [52, 'Standard delivery'], {
      name: 'Standard delivery',
      product_uom_qty: 1,
      price_total: 9.95,
      is_delivery: true,
    }),
    line(3, 11, false, {
      name: 'Furniture',
      product_uom_qty: 0,
      price_total: 0,
      display_type: 'line_section',
      is_delivery: false,
    }),
    line(4, 12, [33, 'Lamp'], { name: 'Lamp', product_uom_qty: 1, price_total: 60.5, is_delivery: false }),
    // A loyalty reward (10% on the order): a line of its own with a negative total.
    line(5, 11, [60, '10% on your order'], {
      name: 'Discount: 10% on your order',
      product_uom_qty: 1,
      price_total: -108.9,
      is_delivery: false,
    }),
  ];

  function execute(model: string, method: string, args: unknown[], kwargs: Json): unknown {
    const saleOrders = [12, 11].map((id) => ({
      id,
      name: `S0${id}`,
      state: orderState[id],
      currency_id: [1, 'EUR'],
      partner_id: [7, 'Sem Mulder'],
      partner_shipping_id: [7, 'Sem Mulder'],
      order_line: lines.filter((l) => l.order_id[0] === id).map((l) => l.id),
    }));
    if (model === 'sale.order' && method === 'search_read') {
      expect(args).toEqual([[['state', 'in', ['sale', 'done', 'cancel']]]]);
      expect(kwargs).toMatchObject({ limit: 50, order: 'date_order desc' });
      return saleOrders;
    }
    if (model === 'res.partner' && method === 'read') return [partner];
    if (model === 'sale.order.line' && method === 'fields_get') return { is_delivery: { type: 'boolean' } };
    if (model === 'sale.order.line' && method === 'search_read') return lines;
    if (model === 'product.product' && method === 'read') {
      return [
        { id: 31, default_code: 'FURN_7800' },
        { id: 52, default_code: false },
        { id: 33, default_code: 'LAMP_1' },
        { id: 60, default_code: false },
      ];
    }
    throw new Error(`unexpected ${model}.${method}`);
  }

  beforeAll(async () => {
    orderState = { 11: 'sale', 12: 'sale' };
    server = await startFakeServer((request, response) => {
      if (request.method !== 'POST' || request.path !== '/jsonrpc') {
        return sendJson(response, 404, { error: 'Not Found' });
      }
      const { id, params } = bodyOf(request) as {
        id: unknown;
        params: { service: string; method: string; args: unknown[] };
      };
      const [db, user, key] = params.args as [string, string | number, string];
      if (db !== DB) {
        return sendJson(
          response,
          200,
          rpcError(id, 'psycopg2.OperationalError', `database "${db}" does not exist`),
        );
      }
      if (params.service === 'common' && params.method === 'authenticate') {
        return sendJson(response, 200, {
          jsonrpc: '2.0',
          id,
          result: user === LOGIN && key === API_KEY ? UID : false,
        });
      }
      if (user !== UID || key !== API_KEY) {
        return sendJson(response, 200, rpcError(id, 'odoo.exceptions.AccessDenied', 'Access Denied'));
      }
      const [, , , model, method, args, kwargs] = params.args as [
        unknown,
        unknown,
        unknown,
        string,
        string,
        unknown[],
        Json,
      ];
      sendJson(response, 200, { jsonrpc: '2.0', id, result: execute(model, method, args, kwargs) });
    });
  });
  afterAll(() => server.close());

  const credentials = (overrides: Json = {}) => ({
    url: server.url,
    database: DB,
    username: LOGIN,
    api_key: API_KEY,
    ...overrides,
  });

  it('refuses a wrong API key (authenticate answers false), storing nothing', async () => {
    const merchant = await createTestMerchant(platform);
    await expectRefused(
      merchant,
      'odoo',
      credentials({ api_key: 'wrong-key-00000000' }),
      'wrong login or API key',
    );
  });

  it("turns a JSON-RPC error into Odoo's own message", async () => {
    const merchant = await createTestMerchant(platform);
    await expectRefused(
      merchant,
      'odoo',
      credentials({ database: 'nope' }),
      'database "nope" does not exist',
    );
  });

  it('connects, reads orders with partners and lines, and syncs without duplicates', async () => {
    const merchant = await createTestMerchant(platform);
    await connectSealed(merchant, 'odoo', credentials(), API_KEY);
    expect((await sync(merchant, 'odoo')).body).toMatchObject({ fetched: 2, created: 2, rejected: 0 });
    orderState = { 11: 'sale', 12: 'cancel' };
    expect((await sync(merchant, 'odoo')).body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const imported = await ordersOf(merchant, 'odoo');
    expect(imported).toHaveLength(2);
    expect(imported.find((o) => o.merchant_reference === 'odoo-S012')?.status).toBe('CANCELLED');
    // Tax-included line totals; the delivery line becomes shipping, the section line is left out and the
    // reward line is the discount.
    expect(imported.find((o) => o.merchant_reference === 'odoo-S011')).toMatchObject({
      items_total_minor: 108_900,
      shipping_minor: 995,
      discount_minor: 10_890,
      total_minor: 99_005,
      customer: { name: 'Sem Mulder', email: 'sem.mulder@example.nl' },
    });
  });
});
