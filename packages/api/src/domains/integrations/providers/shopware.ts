import { z } from 'zod';
import { parseShopAnswer, requestShopJson } from '../shop-api';
import { cachedAccessToken } from './access-token';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  shop_url: z.url().describe("The shop's address; the Admin API lives under /api"),
  client_id: z
    .string()
    .trim()
    .min(4)
    .describe('Integration access key ID (SWIA…): Settings → System → Integrations'),
  client_secret: z.string().trim().min(8).describe('Integration secret access key'),
  webhook_secret: z
    .string()
    .trim()
    .min(8)
    .optional()
    .describe('The shop secret of your app registration: verifies the shopware-shop-signature of pushes'),
});

const Text = z.string().nullish();
const ShopwareOrder = z.object({
  id: z.string(),
  orderNumber: z.string(),
  // Only present when the criteria load the association, which the client always does.
  stateMachineState: z.object({ technicalName: z.string() }),
  currency: z.object({ isoCode: z.string() }),
  shippingTotal: z.number(),
  // What the customer owes: tax included, promotions deducted.
  amountTotal: z.number().optional(),
  orderCustomer: z.object({ email: z.string(), firstName: z.string(), lastName: z.string() }),
  deliveries: z
    .array(
      z.object({
        shippingOrderAddress: z.object({
          firstName: Text,
          lastName: Text,
          street: z.string(),
          additionalAddressLine1: Text,
          zipcode: z.string(),
          city: z.string(),
          phoneNumber: Text,
          country: z.object({ iso: z.string() }),
        }),
      }),
    )
    .min(1, 'has no delivery: nothing to ship'),
  lineItems: z.array(
    z.object({
      id: z.string(),
      type: z.string().nullish(),
      label: z.string(),
      quantity: z.number().int(),
      unitPrice: z.number(),
      totalPrice: z.number().optional(),
      referencedId: Text,
      // PHP serialises an empty payload as [] rather than {}.
      payload: z
        .union([z.looseObject({ productNumber: z.string().optional() }), z.array(z.unknown())])
        .nullish(),
    }),
  ),
});

/** What a sync needs: the order with every association the mapper reads, newest first (Admin API criteria). */
export function orderCriteria(limit: number) {
  return {
    limit,
    sort: [{ field: 'createdAt', order: 'DESC' }],
    associations: {
      lineItems: {},
      deliveries: { associations: { shippingOrderAddress: { associations: { country: {} } } } },
      orderCustomer: {},
      currency: {},
      stateMachineState: {},
    },
  };
}

const productNumberOf = (payload: z.infer<typeof ShopwareOrder>['lineItems'][number]['payload']) =>
  payload && !Array.isArray(payload) ? payload.productNumber : undefined;

export const shopware = defineProvider({
  id: 'shopware',
  displayName: 'Shopware 6',
  credentials: Credentials,
  setup: {
    where:
      'Shopware admin → Settings → System → Integrations → Add integration (copy the access key ID and secret); for push, an app whose manifest subscribes to checkout.order.placed, with its shop secret.',
    scopes: ['order:read'],
    docsUrl: 'https://shopware.stoplight.io/docs/admin-api',
  },
  webhookSignature: 'shopware-hmac-sha256-hex',
  webhookSecret: (credentials) => credentials.webhook_secret ?? '',
  mapOrder(raw) {
    const o = ShopwareOrder.parse(raw);
    const a = o.deliveries[0]!.shippingOrderAddress;
    const state = o.stateMachineState.technicalName;
    // Promotions (type promotion), credits and custom discounts are lines with a negative price: IPAY items
    // cannot be negative, so together they are the order's discount.
    const lines = o.lineItems.filter((i) => i.unitPrice >= 0);
    const discountMinor = o.lineItems
      .filter((i) => i.unitPrice < 0)
      .reduce((sum, i) => sum - toMinor((i.totalPrice ?? i.unitPrice * i.quantity).toFixed(2)), 0);
    return {
      platformOrderId: o.id,
      platformStatus: state,
      cancelled: state === 'cancelled',
      order: toCreateOrderInput('shopware', {
        reference: o.orderNumber,
        name:
          [a.firstName, a.lastName].filter(Boolean).join(' ') ||
          `${o.orderCustomer.firstName} ${o.orderCustomer.lastName}`,
        email: o.orderCustomer.email,
        phone: a.phoneNumber,
        line1: a.street,
        line2: a.additionalAddressLine1,
        postalCode: a.zipcode,
        city: a.city,
        country: a.country.iso,
        currency: o.currency.isoCode,
        shippingMinor: toMinor(o.shippingTotal.toFixed(2)),
        discountMinor,
        // A net-priced (B2B) order's lines exclude the tax amountTotal includes: refused, not collected short.
        totalMinor: o.amountTotal === undefined ? undefined : toMinor(o.amountTotal.toFixed(2)),
        items: lines.map((i) => ({
          sku: productNumberOf(i.payload) || i.referencedId || i.id,
          name: i.label,
          quantity: i.quantity,
          unitPriceMinor: toMinor(i.unitPrice.toFixed(2)),
        })),
      }),
    };
  },
  sampleOrder: (seed) => ({
    id: `0191c1f3a4b27c5e9d${seed}`.padEnd(32, '0').slice(0, 32),
    orderNumber: seed,
    stateMachineState: { technicalName: 'open' },
    currency: { isoCode: 'EUR' },
    shippingTotal: 4.99,
    amountTotal: 40.97,
    taxStatus: 'gross',
    orderCustomer: { email: 'max.schmidt@example.de', firstName: 'Max', lastName: 'Schmidt' },
    deliveries: [
      {
        shippingOrderAddress: {
          firstName: 'Max',
          lastName: 'Schmidt',
          street: 'Ebbinghoff 10',
          additionalAddressLine1: null,
          zipcode: '48624',
          city: 'Schöppingen',
          phoneNumber: null,
          country: { iso: 'DE' },
        },
      },
    ],
    lineItems: [
      {
        id: '0191c1f3a4b27c5e9d00000000000001',
        type: 'product',
        label: 'Main product',
        quantity: 2,
        unitPrice: 19.99,
        totalPrice: 39.98,
        referencedId: '0191c1f3a4b27c5e9d00000000000a01',
        payload: { productNumber: 'SW10001' },
      },
      {
        id: '0191c1f3a4b27c5e9d00000000000002',
        type: 'promotion',
        label: 'Sommeraktion 10%',
        quantity: 1,
        unitPrice: -4,
        totalPrice: -4,
        referencedId: 'SOMMER10',
        payload: { code: 'SOMMER10', discountType: 'percentage', value: '10' },
      },
    ],
  }),
  client: (credentials, settings) => {
    const base = credentials.shop_url.replace(/\/?$/, '/');
    const token = cachedAccessToken(() =>
      requestShopJson(
        {
          method: 'POST',
          url: new URL('api/oauth/token', base),
          body: {
            json: {
              grant_type: 'client_credentials',
              client_id: credentials.client_id,
              client_secret: credentials.client_secret,
            },
          },
        },
        settings,
      ),
    );
    // Accept: application/json gets plain entities; the default (JSON:API) would nest them under attributes.
    const searchOrders = async (criteria: object) =>
      requestShopJson(
        {
          method: 'POST',
          url: new URL('api/search/order', base),
          headers: { authorization: `Bearer ${await token()}`, accept: 'application/json' },
          body: { json: criteria },
        },
        settings,
      );
    return {
      // The token proves the key pair; one tiny search proves the integration may read orders.
      verify: async () => {
        await searchOrders({ limit: 1, includes: { order: ['id'] } });
      },
      recentOrders: async (limit) => {
        const answer = parseShopAnswer(
          z.object({ data: z.array(z.unknown()) }),
          await searchOrders(orderCriteria(limit)),
          'order search result',
        );
        return answer.data;
      },
    };
  },
});
