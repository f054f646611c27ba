import { z } from 'zod';
import { getShopJson, parseShopAnswer, requestShopJson } from '../shop-api';
import { cachedAccessToken } from './access-token';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const LOGIN_URL = 'https://login.bol.com';
const API_URL = 'https://api.bol.com';
// bol.com versions its Retailer API through the media type; plain application/json is refused with a 406.
const RETAILER_V10 = 'application/vnd.retailer.v10+json';

const Credentials = z.object({
  client_id: z.string().trim().min(4).describe('Retailer API client id'),
  client_secret: z.string().trim().min(8).describe('Retailer API client secret'),
  login_url: z.url().optional().describe('Another token server than https://login.bol.com (a test server)'),
  api_url: z.url().optional().describe('Another API server than https://api.bol.com (a test server)'),
});

const Text = z.string().nullish();
const BolOrder = z.object({
  orderId: z.string(),
  shipmentDetails: z.object({
    firstName: z.string(),
    surname: z.string(),
    streetName: z.string(),
    houseNumber: z.string(),
    houseNumberExtension: Text,
    extraAddressInformation: Text,
    zipCode: z.string(),
    city: z.string(),
    countryCode: z.string(),
    email: z.string(),
    deliveryPhoneNumber: Text,
  }),
  orderItems: z
    .array(
      z.object({
        orderItemId: z.string(),
        offer: z.object({ reference: Text }).nullish(),
        product: z.object({ ean: z.string(), title: z.string().nullish() }),
        quantity: z.number().int(),
        quantityShipped: z.number().int().default(0),
        quantityCancelled: z.number().int().default(0),
        unitPrice: z.number(),
        cancellationRequest: z.boolean().default(false),
      }),
    )
    .min(1),
});
type BolOrderItem = z.infer<typeof BolOrder>['orderItems'][number];

/** bol.com has no order status: it follows from the items (all cancelled, asked to cancel, all shipped). */
function statusOf(items: BolOrderItem[]): string {
  if (items.every((i) => i.quantityCancelled >= i.quantity)) return 'CANCELLED';
  if (items.some((i) => i.cancellationRequest)) return 'CANCELLATION_REQUESTED';
  if (items.every((i) => i.quantityShipped + i.quantityCancelled >= i.quantity)) return 'SHIPPED';
  return 'OPEN';
}

const OrderList = z.object({
  // An account without orders answers {} rather than an empty list.
  orders: z.array(z.object({ orderId: z.string() })).default([]),
});

export const bol = defineProvider({
  id: 'bol',
  displayName: 'bol.com',
  credentials: Credentials,
  setup: {
    where: 'bol.com Partner Platform → Settings → API settings → Create credentials (client id and secret)',
    scopes: ['Retailer API v10: orders'],
    docsUrl: 'https://api.bol.com/retailer/public/Retailer-API/v10/index.html',
  },
  webhookSignature: 'none',
  mapOrder(raw) {
    const o = BolOrder.parse(raw);
    const s = o.shipmentDetails;
    const status = statusOf(o.orderItems);
    // Cancelled units are not shipped, so not collected either; a wholly cancelled order keeps its items.
    const open = o.orderItems
      .filter((i) => i.quantity > i.quantityCancelled)
      .map((i) => ({ ...i, quantity: i.quantity - i.quantityCancelled }));
    const items = open.length ? open : o.orderItems;
    return {
      platformOrderId: o.orderId,
      platformStatus: status,
      cancelled: status === 'CANCELLED' || status === 'CANCELLATION_REQUESTED',
      order: toCreateOrderInput('bol', {
        reference: o.orderId,
        name: `${s.firstName} ${s.surname}`,
        email: s.email,
        phone: s.deliveryPhoneNumber,
        line1: `${s.streetName} ${s.houseNumber}${s.houseNumberExtension ? ` ${s.houseNumberExtension}` : ''}`,
        line2: s.extraAddressInformation,
        postalCode: s.zipCode,
        city: s.city,
        country: s.countryCode,
        // The Retailer API only sells in euros (bol.com NL and BE) and ships for free to the customer.
        currency: 'EUR',
        shippingMinor: 0,
        // No discount: a Retailer API order has no discount field, only each item's unitPrice (what the
        // customer pays per unit) and bol.com's commission, which is the retailer's cost, not the customer's.
        items: items.map((i) => ({
          sku: i.offer?.reference || i.product.ean,
          name: i.product.title || i.product.ean,
          quantity: i.quantity,
          unitPriceMinor: toMinor(i.unitPrice.toFixed(2)),
        })),
      }),
    };
  },
  sampleOrder: (seed) => ({
    orderId: `A2K8${seed.replace(/\D/g, '').slice(0, 12) || '1'}`,
    orderPlacedDateTime: '2026-11-25T10:15:00+01:00',
    shipmentDetails: {
      salutation: 'MALE',
      firstName: 'Finn',
      surname: 'Meijer',
      streetName: 'Utrechtseweg',
      houseNumber: '99',
      houseNumberExtension: 'A',
      zipCode: '3702 AA',
      city: 'Zeist',
      countryCode: 'NL',
      email: '2ab3c4d5e6@verkopen.bol.com',
      language: 'nl',
    },
    orderItems: [
      {
        orderItemId: `${seed.replace(/\D/g, '').slice(0, 10) || '1'}1`,
        cancellationRequest: false,
        fulfilment: { method: 'FBR', distributionParty: 'RETAILER', latestDeliveryDate: '2026-11-27' },
        offer: { offerId: '8f6283e3-1b43-4d6e-a0f4-3ab0b0f3b9a1', reference: 'BOL-LAMP-1' },
        product: { ean: '8712626055150', title: 'Bureaulamp LED' },
        quantity: 1,
        quantityShipped: 0,
        quantityCancelled: 0,
        unitPrice: 34.99,
        commission: 5.12,
      },
    ],
  }),
  client: (credentials, settings) => {
    const login = new URL(
      'token?grant_type=client_credentials',
      (credentials.login_url ?? LOGIN_URL).replace(/\/?$/, '/'),
    );
    const api = (credentials.api_url ?? API_URL).replace(/\/?$/, '/');
    const basic = Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString('base64');
    // One token per client: a sync asks for it once and uses it for the list and every order detail.
    const token = cachedAccessToken(() =>
      requestShopJson({ method: 'POST', url: login, headers: { authorization: `Basic ${basic}` } }, settings),
    );
    const get = async (path: string) =>
      getShopJson(
        new URL(path, api),
        { authorization: `Bearer ${await token()}`, accept: RETAILER_V10 },
        settings,
      );
    const listOrders = async () =>
      parseShopAnswer(OrderList, await get('retailer/orders?fulfilment-method=FBR&status=ALL'), 'order list')
        .orders;
    return {
      verify: async () => {
        await listOrders();
      },
      // The list carries ids only; details one at a time, as bol.com rate-limits each endpoint per second.
      recentOrders: async (limit) => {
        const details: unknown[] = [];
        for (const { orderId } of (await listOrders()).slice(0, limit)) {
          details.push(await get(`retailer/orders/${encodeURIComponent(orderId)}`));
        }
        return details;
      },
    };
  },
});
