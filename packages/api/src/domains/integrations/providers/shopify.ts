import { z } from 'zod';
import { getShopJson } from '../shop-api';
import { toCreateOrderInput, toMinor, toShipmentInput } from './order-shape';
import { defineProvider } from './types';

const API_VERSION = '2024-10';

const Credentials = z.object({
  shop: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9-]*(\.myshopify\.com)?$/,
      'must be the shop name, e.g. my-shop or my-shop.myshopify.com',
    )
    .describe('The shop name, as in my-shop.myshopify.com'),
  access_token: z.string().trim().min(10).describe('Admin API access token (shpat_…) of the custom app'),
  api_secret: z
    .string()
    .trim()
    .min(10)
    .optional()
    .describe("The app's API secret key: verifies the webhooks Shopify sends"),
  base_url: z.url().optional().describe('Another Admin API base URL (a test or proxy server)'),
});

const Money = z.union([z.string(), z.number()]);
const Address = z.object({
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  address1: z.string(),
  address2: z.string().nullish(),
  zip: z.string(),
  city: z.string(),
  country_code: z.string(),
  phone: z.string().nullish(),
});
// Each fulfilment is one shipment; `tracking_numbers` lists its pieces (`tracking_number` is the first of them).
const Fulfillment = z.object({
  status: z.string().nullish(),
  created_at: z.string().nullish(),
  tracking_company: z.string().nullish(),
  tracking_number: z.string().nullish(),
  tracking_numbers: z.array(z.string()).nullish(),
});
/** Fulfilments that did not ship (cancelled, failed) track nothing. */
const SHIPPED = new Set(['success', 'open', 'pending']);

const ShopifyOrder = z.object({
  id: z.union([z.number(), z.string()]),
  name: z.string(),
  email: z.string().nullish(),
  contact_email: z.string().nullish(),
  phone: z.string().nullish(),
  currency: z.string(),
  financial_status: z.string().nullish(),
  fulfillment_status: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  total_discounts: Money.nullish(),
  shipping_address: Address,
  shipping_lines: z.array(z.object({ price: Money })).default([]),
  fulfillments: z.array(Fulfillment).nullish(),
  line_items: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      sku: z.string().nullish(),
      title: z.string(),
      quantity: z.number().int(),
      price: Money,
    }),
  ),
});

export const shopify = defineProvider({
  id: 'shopify',
  displayName: 'Shopify',
  credentials: Credentials,
  setup: {
    where:
      'Shopify admin → Settings → Apps and sales channels → Develop apps → Create an app; install it and copy the Admin API access token and the API secret key.',
    scopes: ['read_orders'],
    docsUrl: 'https://shopify.dev/docs/api/admin-rest/2024-10/resources/order',
  },
  webhookSignature: 'shopify-hmac-sha256-base64',
  webhookSecret: (credentials) => credentials.api_secret ?? '',
  mapOrder(raw) {
    const order = ShopifyOrder.parse(raw);
    const address = order.shipping_address;
    const name = address.name ?? [address.first_name, address.last_name].filter(Boolean).join(' ');
    return {
      platformOrderId: String(order.id),
      platformStatus: order.cancelled_at ? 'cancelled' : (order.financial_status ?? 'pending'),
      cancelled: Boolean(order.cancelled_at),
      order: toCreateOrderInput('shopify', {
        reference: order.name.replace(/^#/, ''),
        name,
        email: order.email ?? order.contact_email ?? '',
        phone: address.phone ?? order.phone,
        line1: address.address1,
        line2: address.address2,
        postalCode: address.zip,
        city: address.city,
        country: address.country_code,
        currency: order.currency,
        shippingMinor: order.shipping_lines.reduce((sum, line) => sum + toMinor(line.price), 0),
        discountMinor: toMinor(order.total_discounts ?? 0),
        items: order.line_items.map((item) => ({
          sku: item.sku || String(item.id),
          name: item.title,
          quantity: item.quantity,
          unitPriceMinor: toMinor(item.price),
        })),
      }),
      shipment: toShipmentInput(
        (order.fulfillments ?? [])
          .filter((fulfillment) => SHIPPED.has(fulfillment.status ?? 'success'))
          .flatMap((fulfillment) =>
            (fulfillment.tracking_numbers ?? [fulfillment.tracking_number]).flatMap((number) =>
              // The shop's local calendar day: Shopify writes times with the shop's offset.
              number ? [{ trackingNumber: number, shipDate: fulfillment.created_at?.slice(0, 10) }] : [],
            ),
          ),
      ),
    };
  },
  sampleOrder: (seed) => ({
    id: Number.parseInt(seed.replace(/\D/g, '').slice(0, 12) || '1', 10),
    name: `#${seed}`,
    email: 'anna.devries@example.nl',
    phone: '+31612345678',
    currency: 'EUR',
    financial_status: 'pending',
    fulfillment_status: null,
    cancelled_at: null,
    total_discounts: '5.00',
    shipping_address: {
      first_name: 'Anna',
      last_name: 'de Vries',
      address1: 'Keizersgracht 123',
      address2: null,
      zip: '1015 CJ',
      city: 'Amsterdam',
      country_code: 'NL',
      phone: '+31612345678',
    },
    shipping_lines: [{ price: '4.95' }],
    line_items: [
      { id: 866550311766439, sku: 'TSHIRT-M', title: 'T-shirt M', quantity: 2, price: '19.99' },
      { id: 141249953214522, sku: 'SOCKS-3P', title: 'Socks 3-pack', quantity: 1, price: '9.95' },
    ],
  }),
  client: (credentials, settings) => {
    const base =
      credentials.base_url ?? `https://${credentials.shop.replace(/\.myshopify\.com$/, '')}.myshopify.com`;
    const headers = { 'x-shopify-access-token': credentials.access_token };
    const get = (path: string) =>
      getShopJson(new URL(`/admin/api/${API_VERSION}${path}`, base), headers, settings);
    return {
      verify: async () => {
        await get('/shop.json');
      },
      recentOrders: async (limit) => {
        const body = z
          .object({ orders: z.array(z.unknown()) })
          .parse(await get(`/orders.json?status=any&limit=${limit}`));
        return body.orders;
      },
    };
  },
});
