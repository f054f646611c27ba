import { z } from 'zod';
import { getShopJson } from '../shop-api';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  store_url: z.url().describe('The store address, e.g. https://shop.example.nl'),
  consumer_key: z
    .string()
    .trim()
    .regex(/^ck_[A-Za-z0-9]+$/, 'must be a WooCommerce consumer key (ck_…)'),
  consumer_secret: z
    .string()
    .trim()
    .regex(/^cs_[A-Za-z0-9]+$/, 'must be a WooCommerce consumer secret (cs_…)'),
  webhook_secret: z
    .string()
    .trim()
    .min(8)
    .optional()
    .describe('The secret entered on the WooCommerce webhook: verifies X-WC-Webhook-Signature'),
});

const Address = z.object({
  first_name: z.string(),
  last_name: z.string(),
  address_1: z.string(),
  address_2: z.string().nullish(),
  city: z.string(),
  postcode: z.string(),
  country: z.string(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});
const WooOrder = z.object({
  id: z.number().int(),
  number: z.string(),
  status: z.string(),
  currency: z.string(),
  shipping_total: z.string(),
  discount_total: z.string().nullish(),
  discount_tax: z.string().nullish(),
  billing: Address,
  shipping: Address.partial(),
  line_items: z.array(
    z.object({
      product_id: z.number().int(),
      sku: z.string().nullish(),
      name: z.string(),
      quantity: z.number().int(),
      price: z.union([z.string(), z.number()]),
    }),
  ),
});

export const woocommerce = defineProvider({
  id: 'woocommerce',
  displayName: 'WooCommerce',
  credentials: Credentials,
  setup: {
    where:
      'WordPress admin → WooCommerce → Settings → Advanced → REST API → Add key (Read permission); for push, WooCommerce → Settings → Advanced → Webhooks with topic "Order created"/"Order updated" and a secret.',
    scopes: ['read'],
    docsUrl: 'https://woocommerce.github.io/woocommerce-rest-api-docs/#orders',
  },
  webhookSignature: 'woocommerce-hmac-sha256-base64',
  webhookSecret: (credentials) => credentials.webhook_secret ?? '',
  mapOrder(raw) {
    const order = WooOrder.parse(raw);
    // The shipping address when the shop collects one, else the billing address.
    const ship = order.shipping.address_1 ? { ...order.billing, ...order.shipping } : order.billing;
    return {
      platformOrderId: String(order.id),
      platformStatus: order.status,
      cancelled: ['cancelled', 'refunded', 'failed'].includes(order.status),
      order: toCreateOrderInput('woocommerce', {
        reference: order.number,
        name: `${ship.first_name} ${ship.last_name}`.trim(),
        email: order.billing.email ?? '',
        phone: ship.phone || order.billing.phone,
        line1: ship.address_1,
        line2: ship.address_2,
        postalCode: ship.postcode,
        city: ship.city,
        country: ship.country,
        currency: order.currency,
        shippingMinor: toMinor(order.shipping_total),
        // Coupons: WooCommerce reports the discount and its tax apart.
        discountMinor: toMinor(order.discount_total ?? 0) + toMinor(order.discount_tax ?? 0),
        items: order.line_items.map((item) => ({
          sku: item.sku || String(item.product_id),
          name: item.name,
          quantity: item.quantity,
          unitPriceMinor: toMinor(item.price),
        })),
      }),
    };
  },
  sampleOrder: (seed) => ({
    id: Number.parseInt(seed.replace(/\D/g, '').slice(0, 9) || '1', 10),
    number: seed,
    status: 'processing',
    currency: 'EUR',
    shipping_total: '4.95',
    billing: {
      first_name: 'Jan',
      last_name: 'Jansen',
      address_1: 'Oudegracht 45',
      address_2: '',
      city: 'Utrecht',
      postcode: '3511 AB',
      country: 'NL',
      email: 'jan.jansen@example.nl',
      phone: '+31 30 1234567',
    },
    shipping: {
      first_name: 'Jan',
      last_name: 'Jansen',
      address_1: 'Oudegracht 45',
      address_2: '',
      city: 'Utrecht',
      postcode: '3511 AB',
      country: 'NL',
    },
    line_items: [{ product_id: 93, sku: 'MUG-BLUE', name: 'Mug blue', quantity: 3, price: 8.5 }],
  }),
  client: (credentials, settings) => {
    const auth = Buffer.from(`${credentials.consumer_key}:${credentials.consumer_secret}`).toString('base64');
    const headers = { authorization: `Basic ${auth}` };
    const get = (path: string) =>
      getShopJson(
        new URL(`wp-json/wc/v3${path}`, credentials.store_url.replace(/\/?$/, '/')),
        headers,
        settings,
      );
    return {
      verify: async () => {
        await get('/system_status');
      },
      recentOrders: async (limit) => z.array(z.unknown()).parse(await get(`/orders?per_page=${limit}`)),
    };
  },
});
