import { z } from 'zod';
import { getShopJson } from '../shop-api';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  base_url: z
    .url()
    .describe("The shop's address, e.g. https://shop.example.de (the REST API is under /rest/V1)"),
  access_token: z
    .string()
    .trim()
    .min(16)
    .describe('Access token of an activated integration (sent as a bearer token)'),
});

const Address = z.object({
  firstname: z.string(),
  lastname: z.string(),
  street: z.array(z.string()).min(1),
  postcode: z.string(),
  city: z.string(),
  country_id: z.string(),
  telephone: z.string().nullish(),
  email: z.string().nullish(),
});
const MagentoOrder = z.object({
  entity_id: z.number().int(),
  increment_id: z.string(),
  status: z.string(),
  order_currency_code: z.string(),
  customer_email: z.string(),
  shipping_amount: z.number().default(0),
  shipping_incl_tax: z.number().nullish(),
  // Cart price rules on items and shipping, negative, in the order currency (base_discount_amount is the base).
  discount_amount: z.number().default(0),
  grand_total: z.number().nullish(),
  items: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      qty_ordered: z.number(),
      price: z.number(),
      price_incl_tax: z.number().nullish(),
      parent_item_id: z.number().nullish(),
    }),
  ),
  extension_attributes: z.object({
    shipping_assignments: z
      .array(z.object({ shipping: z.object({ address: Address }) }))
      .min(1, 'has no shipping assignment (a virtual order)'),
  }),
});

/** The latest orders first; Magento reads the bracketed keys from the decoded query string. */
const recentOrdersQuery = (limit: number) =>
  new URLSearchParams({
    'searchCriteria[pageSize]': String(limit),
    'searchCriteria[currentPage]': '1',
    'searchCriteria[sortOrders][0][field]': 'created_at',
    'searchCriteria[sortOrders][0][direction]': 'DESC',
  }).toString();

export const magento = defineProvider({
  id: 'magento',
  displayName: 'Magento 2 / Adobe Commerce',
  credentials: Credentials,
  setup: {
    where:
      'Magento admin → System → Extensions → Integrations → Add New Integration (API: Sales → Operations → Orders, Stores → Settings) → Activate, copy the access token. Magento 2.4.4+ needs "Allow OAuth Access Tokens to be used as standalone Bearer tokens" enabled (Stores → Configuration → Services → OAuth).',
    scopes: ['Magento_Sales::sales', 'Magento_Backend::store'],
    docsUrl: 'https://developer.adobe.com/commerce/webapi/rest/',
  },
  webhookSignature: 'none',
  mapOrder(raw) {
    const order = MagentoOrder.parse(raw);
    const address = order.extension_attributes.shipping_assignments[0]!.shipping.address;
    return {
      platformOrderId: String(order.entity_id),
      platformStatus: order.status,
      cancelled: ['canceled', 'closed'].includes(order.status),
      order: toCreateOrderInput('magento', {
        reference: order.increment_id,
        name: `${address.firstname} ${address.lastname}`.trim(),
        email: order.customer_email,
        phone: address.telephone,
        line1: address.street[0]!,
        line2: address.street.slice(1).join(' '),
        postalCode: address.postcode,
        city: address.city,
        country: address.country_id,
        currency: order.order_currency_code,
        shippingMinor: toMinor((order.shipping_incl_tax ?? order.shipping_amount).toFixed(2)),
        discountMinor: Math.abs(toMinor(order.discount_amount.toFixed(2))),
        // With discounts applied before tax, discount_amount excludes the tax it saved: grand_total then
        // differs and the order is refused rather than collected at the wrong amount.
        totalMinor: order.grand_total == null ? undefined : toMinor(order.grand_total.toFixed(2)),
        // Configurable products come as a parent line and a child line: the parent carries the price.
        items: order.items
          .filter((item) => !item.parent_item_id)
          .map((item) => ({
            sku: item.sku,
            name: item.name,
            quantity: item.qty_ordered,
            unitPriceMinor: toMinor((item.price_incl_tax ?? item.price).toFixed(2)),
          })),
      }),
    };
  },
  sampleOrder: (seed) => {
    const entityId = Number(seed.replace(/\D/g, '').slice(0, 9) || '1');
    return {
      entity_id: entityId,
      increment_id: `00000${seed}`,
      state: 'new',
      status: 'pending',
      created_at: '2026-11-24 09:12:45',
      order_currency_code: 'EUR',
      base_currency_code: 'EUR',
      customer_email: 'sophie.mueller@example.de',
      customer_firstname: 'Sophie',
      customer_lastname: 'Müller',
      shipping_amount: 4.2,
      shipping_incl_tax: 5,
      discount_amount: -4.2,
      base_discount_amount: -4.2,
      discount_description: 'WELKOM10',
      grand_total: 42.8,
      base_grand_total: 42.8,
      items: [
        {
          item_id: entityId * 10,
          order_id: entityId,
          sku: 'MJ01-M-Red',
          name: 'Beaumont Summit Kit',
          product_type: 'configurable',
          qty_ordered: 1,
          price: 35.29,
          price_incl_tax: 42,
          parent_item_id: null,
        },
        {
          item_id: entityId * 10 + 1,
          order_id: entityId,
          sku: 'MJ01-M-Red',
          name: 'Beaumont Summit Kit-M-Red',
          product_type: 'simple',
          qty_ordered: 1,
          price: 0,
          parent_item_id: entityId * 10,
        },
      ],
      extension_attributes: {
        shipping_assignments: [
          {
            shipping: {
              address: {
                address_type: 'shipping',
                firstname: 'Sophie',
                lastname: 'Müller',
                street: ['Friedrichstraße 43'],
                postcode: '10117',
                city: 'Berlin',
                country_id: 'DE',
                telephone: '+49301234567',
                email: 'sophie.mueller@example.de',
              },
              method: 'flatrate_flatrate',
            },
            items: [],
          },
        ],
      },
    };
  },
  client: (credentials, settings) => {
    const headers = { authorization: `Bearer ${credentials.access_token}` };
    const get = (pathAndQuery: string) =>
      getShopJson(
        new URL(`rest/V1${pathAndQuery}`, credentials.base_url.replace(/\/?$/, '/')),
        headers,
        settings,
      );
    return {
      verify: async () => {
        await get('/store/storeConfigs');
      },
      recentOrders: async (limit) => {
        const body = z
          .object({ items: z.array(z.unknown()) })
          .parse(await get(`/orders?${recentOrdersQuery(limit)}`));
        return body.items;
      },
    };
  },
});
