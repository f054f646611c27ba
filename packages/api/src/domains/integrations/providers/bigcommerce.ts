import { z } from 'zod';
import { getShopJson, ShopApiError } from '../shop-api';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  store_hash: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+$/, 'must be the store hash, as in api.bigcommerce.com/stores/{store_hash}')
    .describe('The store hash in the API path of the API account'),
  access_token: z.string().trim().min(16).describe('Access token of the store-level API account'),
  client_secret: z
    .string()
    .trim()
    .min(8)
    .optional()
    .describe("The API account's (or app's) client secret: verifies the webhooks BigCommerce sends"),
  base_url: z.url().optional().describe('Another API base URL (a test or proxy server)'),
});

const Money = z.union([z.string(), z.number()]);
const LineItem = z.object({
  id: z.number().int(),
  product_id: z.number().int(),
  sku: z.string().nullish(),
  name: z.string(),
  quantity: z.number().int(),
  price_inc_tax: Money,
  // Items of a bundle come as their own lines at no price under the bundle's line.
  parent_order_product_id: z.number().int().nullish(),
});
const ShippingConsignment = z.object({
  first_name: z.string(),
  last_name: z.string(),
  street_1: z.string(),
  street_2: z.string().nullish(),
  city: z.string(),
  zip: z.string(),
  country_iso2: z.string(),
  phone: z.string().nullish(),
  email: z.string().nullish(),
  line_items: z.array(LineItem),
});
/** A V2 order as `include=consignments.line_items&consignment_structure=object` returns it. */
const BigCommerceOrder = z.object({
  id: z.number().int(),
  status_id: z.number().int(),
  status: z.string(),
  currency_code: z.string(),
  default_currency_code: z.string().nullish(),
  shipping_cost_inc_tax: Money,
  handling_cost_inc_tax: Money.default(0),
  wrapping_cost_inc_tax: Money.default(0),
  // Order-level reductions, absent from the lines' price_inc_tax: promotions and manual discounts, and coupons.
  discount_amount: Money.default(0),
  coupon_discount: Money.default(0),
  total_inc_tax: Money.nullish(),
  billing_address: z.object({ email: z.string(), phone: z.string().nullish() }),
  consignments: z.object({ shipping: z.array(ShippingConsignment).min(1, 'has no shipping consignment') }),
});

/** Status ids of orders that will not ship: Refunded, Cancelled, Declined. */
const CANCELLED_STATUS_IDS = [4, 5, 6];
/** Order lines with their shipping consignments, in one call instead of two more per order. */
const ORDER_INCLUDES = { include: 'consignments.line_items', consignment_structure: 'object' };

const Push = z.object({
  producer: z.string(),
  data: z.object({ type: z.literal('order'), id: z.number().int() }),
});

export const bigcommerce = defineProvider({
  id: 'bigcommerce',
  displayName: 'BigCommerce',
  credentials: Credentials,
  setup: {
    where:
      'BigCommerce control panel → Settings → Store-level API accounts → Create API account (Orders: read-only); the store hash is in the API path. For push, register store/order/* webhooks (POST /v3/hooks) to the webhook path; they are signed with the client secret.',
    scopes: ['Orders: read-only', 'Information & settings: read-only'],
    docsUrl: 'https://developer.bigcommerce.com/docs/rest-management/orders',
  },
  webhookSignature: 'standard-webhooks',
  webhookSecret: (credentials) => credentials.client_secret ?? '',
  pushedOrderId: (payload, credentials) => {
    const push = Push.parse(payload);
    // The hook only names an order id: fetching it from another store would import a different order.
    if (push.producer !== `stores/${credentials.store_hash}`) {
      throw new Error(`the push is from ${push.producer}, not stores/${credentials.store_hash}`);
    }
    return String(push.data.id);
  },
  mapOrder(raw) {
    const order = BigCommerceOrder.parse(raw);
    const consignments = order.consignments.shipping;
    const ship = consignments[0]!;
    return {
      platformOrderId: String(order.id),
      platformStatus: order.status,
      cancelled: CANCELLED_STATUS_IDS.includes(order.status_id),
      order: toCreateOrderInput('bigcommerce', {
        reference: String(order.id),
        name: `${ship.first_name} ${ship.last_name}`.trim(),
        email: ship.email || order.billing_address.email,
        phone: ship.phone || order.billing_address.phone,
        line1: ship.street_1,
        line2: ship.street_2,
        postalCode: ship.zip,
        city: ship.city,
        country: ship.country_iso2,
        // Amounts are in the transactional currency; currency_code is only the storefront's display currency.
        currency: order.default_currency_code || order.currency_code,
        // Handling and gift wrapping are owed at the door too; IPAY has one charge beside the items.
        shippingMinor:
          toMinor(order.shipping_cost_inc_tax) +
          toMinor(order.handling_cost_inc_tax) +
          toMinor(order.wrapping_cost_inc_tax),
        discountMinor: toMinor(order.discount_amount) + toMinor(order.coupon_discount),
        // A store that books discounts before tax (tax-exclusive pricing) makes the sum differ from
        // total_inc_tax: the order is then refused rather than collected at the wrong amount.
        totalMinor: order.total_inc_tax == null ? undefined : toMinor(order.total_inc_tax),
        items: consignments
          .flatMap((consignment) => consignment.line_items)
          .filter((item) => item.parent_order_product_id == null)
          .map((item) => ({
            sku: item.sku || String(item.product_id),
            name: item.name,
            quantity: item.quantity,
            unitPriceMinor: toMinor(item.price_inc_tax),
          })),
      }),
    };
  },
  sampleOrder: (seed) => {
    const id = Number(seed.replace(/\D/g, '').slice(0, 9) || '1');
    return {
      id,
      status_id: 11,
      status: 'Awaiting Fulfillment',
      currency_code: 'EUR',
      default_currency_code: 'EUR',
      subtotal_inc_tax: '109.0000',
      shipping_cost_inc_tax: '7.5000',
      handling_cost_inc_tax: '0.0000',
      wrapping_cost_inc_tax: '0.0000',
      discount_amount: '0.0000',
      coupon_discount: '10.0000',
      total_inc_tax: '106.5000',
      billing_address: {
        first_name: 'Emma',
        last_name: 'Visser',
        email: 'emma.visser@example.nl',
        phone: '',
      },
      consignments: {
        pickups: [],
        shipping: [
          {
            id: 40,
            first_name: 'Emma',
            last_name: 'Visser',
            company: '',
            street_1: 'Coolsingel 40',
            street_2: '',
            city: 'Rotterdam',
            zip: '3011 AD',
            country: 'Netherlands',
            country_iso2: 'NL',
            state: 'Zuid-Holland',
            email: 'emma.visser@example.nl',
            phone: '0612345678',
            cost_inc_tax: 7.5,
            line_items: [
              {
                id: 65,
                order_id: id,
                product_id: 77,
                name: '[Sample] Orbit Terrarium - Large',
                sku: 'SLCTBS',
                quantity: 1,
                price_ex_tax: '90.0800',
                price_inc_tax: '109.0000',
                parent_order_product_id: null,
              },
            ],
          },
        ],
        downloads: [],
        email: { gift_certificates: [] },
      },
    };
  },
  client: (credentials, settings) => {
    const base = credentials.base_url ?? 'https://api.bigcommerce.com';
    const headers = { 'x-auth-token': credentials.access_token };
    const get = (path: string, query: Record<string, string> = {}) => {
      const url = new URL(`/stores/${credentials.store_hash}/v2${path}`, base);
      url.search = new URLSearchParams(query).toString();
      return getShopJson(url, headers, settings);
    };
    return {
      verify: async () => {
        await get('/store');
      },
      recentOrders: async (limit) => {
        try {
          const query = { limit: String(limit), sort: 'date_created:desc', ...ORDER_INCLUDES };
          return z.array(z.unknown()).parse(await get('/orders', query));
        } catch (error) {
          // V2 answers an empty collection with 204 and no body.
          if (error instanceof ShopApiError && error.statusCode === 204) return [];
          throw error;
        }
      },
      orderById: (id) => get(`/orders/${encodeURIComponent(id)}`, ORDER_INCLUDES),
    };
  },
});
