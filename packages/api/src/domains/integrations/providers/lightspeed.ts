import { z } from 'zod';
import { getShopJson } from '../shop-api';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const CLUSTERS = { eu1: 'https://api.webshopapp.com', us1: 'https://api.shoplightspeed.com' } as const;
/** The shop's default language when none is given: the clusters' usual ones. */
const DEFAULT_LANGUAGE = { eu1: 'nl', us1: 'us' } as const;

const Credentials = z.object({
  cluster: z.enum(['eu1', 'us1']).describe('eu1 (api.webshopapp.com) or us1 (api.shoplightspeed.com)'),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2}$/, 'must be a shop language code, e.g. nl, en, de, us')
    .optional()
    .describe('A language of the shop, the first path segment of every API call (default nl, us on us1)'),
  api_key: z.string().trim().min(8).describe('API key'),
  api_secret: z
    .string()
    .trim()
    .min(8)
    .describe('API secret: with the key for Basic auth, and signs the webhooks Lightspeed sends'),
  base_url: z.url().optional().describe('Another API base URL than the cluster (a test or proxy server)'),
});

const OrderProduct = z.object({
  id: z.number().int(),
  articleCode: z.string().nullish(),
  sku: z.string().nullish(),
  productTitle: z.string(),
  variantTitle: z.string().nullish(),
  quantityOrdered: z.number().int(),
  priceIncl: z.number(),
});
/** `orders/{id}.json`'s order beside `orders/{id}/products.json`'s lines: the order alone links to its lines. */
const LightspeedOrder = z.object({
  order: z.object({
    id: z.number().int(),
    number: z.string(),
    status: z.string(),
    email: z.string(),
    firstname: z.string(),
    lastname: z.string(),
    phone: z.string().nullish(),
    mobile: z.string().nullish(),
    currency: z.string().optional(),
    shipmentPriceIncl: z.number(),
    // A payment method's surcharge (e.g. for cash on delivery), owed at the door like shipping.
    paymentPriceIncl: z.number().default(0),
    // The order's discount (coupon or rule) in money; discountPercentage is only how it was set.
    discountAmount: z.number().default(0),
    // The order total including tax, net of the discount.
    priceIncl: z.number().optional(),
    addressShippingName: z.string().nullish(),
    addressShippingStreet: z.string(),
    addressShippingStreet2: z.string().nullish(),
    addressShippingNumber: z.coerce.string(),
    addressShippingExtension: z.string().nullish(),
    addressShippingZipcode: z.string(),
    addressShippingCity: z.string(),
    addressShippingCountry: z.object({ code: z.string() }),
  }),
  orderProducts: z.array(OrderProduct),
});
const OrderEnvelope = z.object({ order: z.object({ id: z.number().int() }).loose() });
const ProductsEnvelope = z.object({ orderProducts: z.array(z.unknown()) });

/** Lines are one call per order: a few at a time keeps a 50-order sync inside Lightspeed's rate limit. */
const PRODUCT_CALLS_AT_ONCE = 4;

export const lightspeed = defineProvider({
  id: 'lightspeed',
  displayName: 'Lightspeed eCom',
  credentials: Credentials,
  setup: {
    where:
      'Lightspeed eCom back office → Settings → Developers (API keys) → Create new API key with read access to orders and shop; for push, add a webhook (item group orders, format JSON) to the webhook path.',
    scopes: ['orders: read', 'shop: read'],
    docsUrl: 'https://developers.lightspeedhq.com/ecom/endpoints/order/',
  },
  webhookSignature: 'lightspeed-md5',
  webhookSecret: (credentials) => credentials.api_secret,
  pushedOrderId: (payload) => String(OrderEnvelope.parse(payload).order.id),
  mapOrder(raw) {
    const { order: o, orderProducts } = LightspeedOrder.parse(raw);
    const houseNumber = [o.addressShippingNumber, o.addressShippingExtension].filter(Boolean).join(' ');
    return {
      platformOrderId: String(o.id),
      platformStatus: o.status,
      cancelled: o.status.startsWith('cancelled'),
      order: toCreateOrderInput('lightspeed', {
        reference: o.number,
        name: o.addressShippingName || `${o.firstname} ${o.lastname}`.trim(),
        email: o.email,
        phone: o.mobile || o.phone,
        line1: `${o.addressShippingStreet} ${houseNumber}`.trim(),
        line2: o.addressShippingStreet2,
        postalCode: o.addressShippingZipcode,
        city: o.addressShippingCity,
        country: o.addressShippingCountry.code.toUpperCase(),
        currency: o.currency ?? 'EUR',
        shippingMinor: toMinor(o.shipmentPriceIncl.toFixed(2)) + toMinor(o.paymentPriceIncl.toFixed(2)),
        discountMinor: toMinor(o.discountAmount.toFixed(2)),
        // Lightspeed's documentation does not say whether discountAmount includes tax: checking it against the
        // order's own total refuses an order whose discount was read wrong instead of collecting a wrong amount.
        totalMinor: o.priceIncl === undefined ? undefined : toMinor(o.priceIncl.toFixed(2)),
        items: orderProducts.map((p) => ({
          sku: p.articleCode || p.sku || String(p.id),
          name: p.variantTitle ? `${p.productTitle} - ${p.variantTitle}` : p.productTitle,
          quantity: p.quantityOrdered,
          unitPriceMinor: toMinor(p.priceIncl.toFixed(2)),
        })),
      }),
    };
  },
  sampleOrder: (seed) => {
    const id = Number(seed.replace(/\D/g, '').slice(0, 9) || '1');
    return {
      order: {
        id,
        number: `ORD${seed}`,
        status: 'processing_awaiting_shipment',
        paymentStatus: 'paid',
        shipmentStatus: 'not_shipped',
        email: 'daan.smit@example.nl',
        firstname: 'Daan',
        lastname: 'Smit',
        phone: '0201234567',
        mobile: '',
        priceIncl: 50.85,
        shipmentPriceIncl: 5.95,
        paymentPriceIncl: 0,
        isDiscounted: true,
        discountType: 'amount',
        discountAmount: 5,
        discountPercentage: 0,
        discountCouponCode: 'WELKOM5',
        shipmentTitle: 'PostNL',
        addressShippingName: 'Daan Smit',
        addressShippingStreet: 'Damrak',
        addressShippingStreet2: '',
        addressShippingNumber: '70',
        addressShippingExtension: '',
        addressShippingZipcode: '1012 LM',
        addressShippingCity: 'Amsterdam',
        addressShippingCountry: { id: 'nl', code: 'nl', title: 'Netherlands' },
        products: {
          resource: { id: false, url: `orders/${id}/products`, link: `orders/${id}/products.json` },
        },
      },
      orderProducts: [
        {
          id: id * 10,
          productTitle: 'Baseball cap',
          variantTitle: 'Black',
          articleCode: 'LS-CAP-01',
          sku: 'LS-CAP-01-BLK',
          quantityOrdered: 2,
          basePriceIncl: 24.95,
          priceIncl: 24.95,
        },
      ],
    };
  },
  client: (credentials, settings) => {
    const base = credentials.base_url ?? CLUSTERS[credentials.cluster];
    const language = credentials.language ?? DEFAULT_LANGUAGE[credentials.cluster];
    const auth = Buffer.from(`${credentials.api_key}:${credentials.api_secret}`).toString('base64');
    const headers = { authorization: `Basic ${auth}` };
    const get = (path: string) => getShopJson(new URL(`/${language}${path}`, base), headers, settings);
    const withProducts = async (order: z.infer<typeof OrderEnvelope>['order']) => ({
      order,
      orderProducts: ProductsEnvelope.parse(await get(`/orders/${order.id}/products.json`)).orderProducts,
    });
    return {
      verify: async () => {
        await get('/shop.json');
      },
      recentOrders: async (limit) => {
        const { orders } = z
          .object({ orders: z.array(OrderEnvelope.shape.order) })
          .parse(await get(`/orders.json?limit=${limit}`));
        const complete: unknown[] = [];
        for (let start = 0; start < orders.length; start += PRODUCT_CALLS_AT_ONCE) {
          const batch = orders.slice(start, start + PRODUCT_CALLS_AT_ONCE);
          complete.push(...(await Promise.all(batch.map(withProducts))));
        }
        return complete;
      },
      orderById: async (id) =>
        withProducts(OrderEnvelope.parse(await get(`/orders/${encodeURIComponent(id)}.json`)).order),
    };
  },
});
