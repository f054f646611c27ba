import { z } from 'zod';
import { getShopJson, parseShopAnswer } from '../shop-api';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  subdomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]+$/, 'must be the account name, as in my-shop.picqer.com')
    .describe('The account name, as in my-shop.picqer.com'),
  api_key: z.string().trim().min(8).describe('Picqer API key (Settings → API keys)'),
  webhook_secret: z
    .string()
    .trim()
    .min(8)
    .optional()
    .describe('The secret given when the hook was created: verifies X-Picqer-Signature'),
  base_url: z
    .url()
    .optional()
    .describe('Another API address than https://{subdomain}.picqer.com (a test server)'),
});

const Text = z.string().nullish();
const PicqerOrder = z.object({
  idorder: z.number().int(),
  orderid: z.string(),
  reference: Text,
  status: z.string(),
  deliveryname: z.string(),
  deliverycontactname: Text,
  deliveryaddress: z.string(),
  deliveryaddress2: Text,
  deliveryzipcode: z.string(),
  deliverycity: z.string(),
  deliverycountry: z.string(),
  emailaddress: z.string(),
  telephone: Text,
  // A percentage off the products, not an amount (Picqer's own description: "Discount percentage of order").
  discount: z.number().min(0).max(100).nullish(),
  products: z.array(
    z.object({
      idproduct: z.number().int(),
      productcode: z.string().nullish(),
      name: z.string(),
      amount: z.number().int(),
      price: z.number(),
    }),
  ),
});

export const picqer = defineProvider({
  id: 'picqer',
  displayName: 'Picqer',
  credentials: Credentials,
  setup: {
    where:
      'Picqer → Settings → API keys → Add API key; for push, Settings → Webhooks (or POST /api/v1/hooks) with event orders.created or orders.status_changed and a secret.',
    scopes: ['orders: read'],
    docsUrl: 'https://picqer.com/en/api/orders',
  },
  webhookSignature: 'picqer-hmac-sha256-base64',
  webhookSecret: (credentials) => credentials.webhook_secret ?? '',
  mapOrder(raw) {
    const o = PicqerOrder.parse(raw);
    const items = o.products.map((p) => ({
      sku: p.productcode || String(p.idproduct),
      name: p.name,
      quantity: p.amount,
      unitPriceMinor: toMinor(p.price.toFixed(2)),
    }));
    const itemsMinor = items.reduce((sum, i) => sum + i.quantity * i.unitPriceMinor, 0);
    return {
      platformOrderId: String(o.idorder),
      platformStatus: o.status,
      cancelled: o.status === 'cancelled',
      order: toCreateOrderInput('picqer', {
        reference: o.reference || o.orderid,
        // A company delivery carries the person in deliverycontactname.
        name: o.deliverycontactname || o.deliveryname,
        email: o.emailaddress,
        phone: o.telephone,
        line1: o.deliveryaddress,
        line2: o.deliveryaddress2,
        postalCode: o.deliveryzipcode,
        city: o.deliverycity,
        country: o.deliverycountry,
        // Picqer orders carry no currency: the account's, which Picqer keeps in euros.
        currency: 'EUR',
        shippingMinor: 0,
        // Picqer has no order total to check against; the percentage is taken off the products' total.
        discountMinor: Math.round((itemsMinor * (o.discount ?? 0)) / 100),
        items,
      }),
    };
  },
  sampleOrder: (seed) => ({
    idorder: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
    idcustomer: null,
    orderid: `2024${seed}`,
    reference: null,
    status: 'processing',
    deliveryname: 'Tess de Groot',
    deliverycontactname: null,
    deliveryaddress: 'Breestraat 2',
    deliveryaddress2: null,
    deliveryzipcode: '2311 CS',
    deliverycity: 'Leiden',
    deliverycountry: 'NL',
    emailaddress: 'tess.degroot@example.nl',
    telephone: null,
    discount: 10,
    created: '2026-11-25 10:15:00',
    products: [
      {
        idorder_product: 1,
        idproduct: 3501,
        productcode: 'PQ-TEA-50',
        name: 'Green tea 50 bags',
        amount: 4,
        price: 3.49,
      },
    ],
  }),
  client: (credentials, settings) => {
    const base = (credentials.base_url ?? `https://${credentials.subdomain}.picqer.com`).replace(/\/?$/, '/');
    // Basic auth with the API key as user name and an empty password.
    const headers = { authorization: `Basic ${Buffer.from(`${credentials.api_key}:`).toString('base64')}` };
    const get = (path: string) => getShopJson(new URL(`api/v1/${path}`, base), headers, settings);
    return {
      verify: async () => {
        await get('users/me');
      },
      // Picqer pages lists by 100 with `offset` and has no page-size parameter: the first page holds the
      // newest orders, sorted here by id as well, so the cut at `limit` keeps the latest.
      recentOrders: async (limit) => {
        const page = parseShopAnswer(
          z.array(z.looseObject({ idorder: z.number().int() })),
          await get('orders?offset=0'),
          'order list',
        );
        return page.sort((a, b) => b.idorder - a.idorder).slice(0, limit);
      },
    };
  },
});
