import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from '../../../testing';

/**
 * Local stand-ins for BigCommerce, Magento 2, PrestaShop and Lightspeed eCom: their real paths, auth headers,
 * query parameters (checked decoded, as the platforms read them) and error bodies. Each keeps its orders in
 * `orders`, which a test changes to see a sync follow the shop.
 */
export interface FakeShop<O> extends FakeServer {
  orders: O[];
}

function parse(request: RecordedRequest) {
  const url = new URL(request.path, 'http://fake');
  return { path: url.pathname, query: Object.fromEntries(url.searchParams) };
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function fakeShop<O>(
  handler: (request: RecordedRequest, response: ServerResponse, orders: O[]) => void,
): Promise<FakeShop<O>> {
  const holder: { orders: O[] } = { orders: [] };
  const server = await startFakeServer((request, response) => handler(request, response, holder.orders));
  return Object.assign(holder, server);
}

export interface BigCommerceOrderJson {
  id: number;
  [field: string]: unknown;
}

/** BigCommerce V2 behind its API gateway: X-Auth-Token, `/stores/{hash}/v2/…`, 204 for an empty list. */
export function startFakeBigCommerce(storeHash: string, token: string) {
  const notFound = [{ status: 404, message: 'The requested resource was not found.' }];
  const includes = { include: 'consignments.line_items', consignment_structure: 'object' };
  return fakeShop<BigCommerceOrderJson>((request, response, orders) => {
    if (request.headers['x-auth-token'] !== token) {
      return sendJson(response, 401, {
        status: 401,
        title: 'No valid credentials were found in this request',
        type: 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes',
        errors: {},
      });
    }
    const { path, query } = parse(request);
    const prefix = `/stores/${storeHash}/v2`;
    if (path === `${prefix}/store`) {
      return sendJson(response, 200, { id: storeHash, name: 'Fake Store', domain: 'fake.example.com' });
    }
    const wantsConsignments =
      query.include === includes.include && query.consignment_structure === includes.consignment_structure;
    if (path === `${prefix}/orders`) {
      const expected = query.limit === '50' && query.sort === 'date_created:desc' && wantsConsignments;
      if (!expected) return sendJson(response, 400, [{ status: 400, message: 'unexpected query' }]);
      if (orders.length === 0) {
        response.writeHead(204);
        return response.end();
      }
      return sendJson(response, 200, orders);
    }
    const one = new RegExp(`^${prefix}/orders/(\\d+)$`).exec(path);
    const order = one && orders.find((o) => o.id === Number(one[1]));
    if (order && wantsConsignments) return sendJson(response, 200, order);
    sendJson(response, 404, notFound);
  });
}

export interface MagentoOrderJson {
  entity_id: number;
  status: string;
  [field: string]: unknown;
}

/** Magento 2 REST: a bearer integration token, `/rest/V1/…`, searchCriteria in bracketed query keys. */
export function startFakeMagento(token: string) {
  return fakeShop<MagentoOrderJson>((request, response, orders) => {
    const { path, query } = parse(request);
    if (request.headers.authorization !== `Bearer ${token}`) {
      const resource = path.includes('/orders') ? 'Magento_Sales::actions_view' : 'Magento_Backend::store';
      return sendJson(response, 401, {
        message: "The consumer isn't authorized to access %resources.",
        parameters: { resources: resource },
      });
    }
    if (path === '/rest/V1/store/storeConfigs') {
      return sendJson(response, 200, [
        { id: 1, code: 'default', website_id: 1, locale: 'de_DE', base_currency_code: 'EUR' },
      ]);
    }
    if (path === '/rest/V1/orders') {
      const expected =
        query['searchCriteria[pageSize]'] === '50' &&
        query['searchCriteria[sortOrders][0][field]'] === 'created_at' &&
        query['searchCriteria[sortOrders][0][direction]'] === 'DESC';
      if (!expected) {
        return sendJson(response, 400, { message: '"%fieldName" is required.', parameters: ['pageSize'] });
      }
      return sendJson(response, 200, {
        items: orders,
        search_criteria: { filter_groups: [], page_size: 50, current_page: 1 },
        total_count: orders.length,
      });
    }
    sendJson(response, 404, { message: 'Request does not match any route.' });
  });
}

export interface PrestaShopData {
  order: { id: number; current_state: string; [field: string]: unknown };
  customer: { id: number; [field: string]: unknown };
  address: { id: number; id_country: string; [field: string]: unknown };
  country: { id: number; iso_code: string };
  currency: { id: number; iso_code: string };
}

/**
 * PrestaShop's webservice with `output_format=JSON`: the key as Basic-auth user, `display`, `filter[id]=[1|2]`
 * and `sort=[id_DESC]`; `[]` for an empty list. Holds whole sample records and serves each resource from them.
 */
export function startFakePrestaShop(key: string) {
  return fakeShop<PrestaShopData>((request, response, records) => {
    if (request.headers.authorization !== basic(key, '')) {
      return sendJson(response, 401, {
        errors: [{ code: 19, message: 'Authentification key does not exist' }],
      });
    }
    const { path, query } = parse(request);
    if (query.output_format !== 'JSON')
      return sendJson(response, 400, 'XML is not what the client asked for');
    if (path === '/api/' || path === '/api') {
      return sendJson(response, 200, { api: { orders: { description: 'The Customers orders' } } });
    }
    if (path === '/api/orders') {
      const expected = query.display === 'full' && query.sort === '[id_DESC]' && query.limit === '50';
      if (!expected) return sendJson(response, 400, { errors: [{ code: 33, message: 'unexpected query' }] });
      const orders = records.map((r) => r.order).sort((a, b) => b.id - a.id);
      return sendJson(response, 200, orders.length ? { orders } : []);
    }
    const resources = {
      '/api/customers': ['customers', (r: PrestaShopData) => r.customer],
      '/api/addresses': ['addresses', (r: PrestaShopData) => r.address],
      '/api/countries': ['countries', (r: PrestaShopData) => r.country],
      '/api/currencies': ['currencies', (r: PrestaShopData) => r.currency],
    } as const;
    const resource = resources[path as keyof typeof resources];
    const ids = /^\[(\d+(?:\|\d+)*)\]$/
      .exec(query['filter[id]'] ?? '')?.[1]
      ?.split('|')
      .map(Number);
    const fields = /^\[([a-z_,0-9]+)\]$/.exec(query.display ?? '')?.[1]?.split(',');
    if (!resource || !ids || !fields) {
      return sendJson(response, 404, { errors: [{ code: 1, message: 'unexpected resource or query' }] });
    }
    const [name, pick] = resource;
    const rows = new Map(records.map((r) => [pick(r).id, pick(r) as Record<string, unknown>]));
    const found = ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [Object.fromEntries(fields.map((f) => [f, row[f]]))] : [];
    });
    sendJson(response, 200, found.length ? { [name]: found } : []);
  });
}

export interface LightspeedData {
  order: { id: number; status: string; [field: string]: unknown };
  orderProducts: unknown[];
}

/** Lightspeed eCom: Basic key:secret, `/{language}/….json`, order lines as the order's sub-resource. */
export function startFakeLightspeed(apiKey: string, apiSecret: string, language = 'nl') {
  return fakeShop<LightspeedData>((request, response, records) => {
    const { path, query } = parse(request);
    if (request.headers.authorization !== basic(apiKey, apiSecret)) {
      return sendJson(response, 401, {
        error: { code: 401, method: 'GET', request: path.slice(1), message: 'Invalid API key or secret' },
      });
    }
    if (path === `/${language}/shop.json`) {
      return sendJson(response, 200, { shop: { id: 123456, mainLanguage: language } });
    }
    if (path === `/${language}/orders.json` && query.limit === '50') {
      return sendJson(response, 200, { orders: records.map((r) => r.order) });
    }
    const one = new RegExp(`^/${language}/orders/(\\d+)(/products)?\\.json$`).exec(path);
    const record = one && records.find((r) => r.order.id === Number(one[1]));
    if (record && one[2]) return sendJson(response, 200, { orderProducts: record.orderProducts });
    if (record) return sendJson(response, 200, { order: record.order });
    sendJson(response, 404, {
      error: { code: 404, method: 'GET', request: path.slice(1), message: 'Not found' },
    });
  });
}
