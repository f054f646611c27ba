import { z } from 'zod';
import { toMinor } from './order-shape';
import { apiKeyCredentials, clientCredentials, Money, simulateOnlyProvider } from './simple-provider';

const baseUrl = z.url().describe("The shop's address");

export const shopware = simulateOnlyProvider({
  id: 'shopware',
  displayName: 'Shopware 6',
  credentials: z.object({ shop_url: baseUrl, ...clientCredentials('Integration access key').shape }),
  setup: {
    where: 'Shopware admin → Settings → System → Integrations → Add integration (access key ID and secret)',
    scopes: ['order:read'],
    docsUrl: 'https://shopware.stoplight.io/docs/admin-api',
  },
  webhookSignature: 'shopware-hmac-sha256-hex',
  shape: z.object({
    id: z.string(),
    orderNumber: z.string(),
    stateMachineState: z.object({ technicalName: z.string() }),
    currency: z.object({ isoCode: z.string() }),
    shippingTotal: z.number(),
    orderCustomer: z.object({ email: z.string(), firstName: z.string(), lastName: z.string() }),
    deliveries: z
      .array(
        z.object({
          shippingOrderAddress: z.object({
            street: z.string(),
            zipcode: z.string(),
            city: z.string(),
            phoneNumber: z.string().nullish(),
            country: z.object({ iso: z.string() }),
          }),
        }),
      )
      .min(1),
    lineItems: z.array(
      z.object({
        label: z.string(),
        quantity: z.number().int(),
        unitPrice: z.number(),
        payload: z.object({ productNumber: z.string() }),
      }),
    ),
  }),
  toPlain: (o) => {
    const a = o.deliveries[0]!.shippingOrderAddress;
    return {
      id: o.id,
      status: o.stateMachineState.technicalName,
      cancelled: o.stateMachineState.technicalName === 'cancelled',
      reference: o.orderNumber,
      name: `${o.orderCustomer.firstName} ${o.orderCustomer.lastName}`,
      email: o.orderCustomer.email,
      phone: a.phoneNumber,
      line1: a.street,
      postalCode: a.zipcode,
      city: a.city,
      country: a.country.iso,
      currency: o.currency.isoCode,
      shippingMinor: toMinor(o.shippingTotal.toFixed(2)),
      items: o.lineItems.map((i) => ({
        sku: i.payload.productNumber,
        name: i.label,
        quantity: i.quantity,
        unitPriceMinor: toMinor(i.unitPrice.toFixed(2)),
      })),
    };
  },
  sample: (seed) => ({
    id: `0191c1f3a4b27c5e9d${seed}`.slice(0, 32),
    orderNumber: seed,
    stateMachineState: { technicalName: 'open' },
    currency: { isoCode: 'EUR' },
    shippingTotal: 4.99,
    orderCustomer: { email: 'max.schmidt@example.de', firstName: 'Max', lastName: 'Schmidt' },
    deliveries: [
      {
        shippingOrderAddress: {
          street: 'Ebbinghoff 10',
          zipcode: '48624',
          city: 'Schöppingen',
          phoneNumber: null,
          country: { iso: 'DE' },
        },
      },
    ],
    lineItems: [
      { label: 'Main product', quantity: 2, unitPrice: 19.99, payload: { productNumber: 'SW10001' } },
    ],
  }),
});

export const opencart = simulateOnlyProvider({
  id: 'opencart',
  displayName: 'OpenCart',
  credentials: z.object({
    shop_url: baseUrl,
    api_username: z.string().trim().min(1),
    api_key: z.string().trim().min(16),
  }),
  setup: {
    where: 'OpenCart admin → System → Users → API → Add (username and key, allow our IP)',
    scopes: ['sale/order'],
    docsUrl: 'https://docs.opencart.com/en-gb/system/users/api/',
  },
  shape: z.object({
    order_id: z.coerce.string(),
    order_status: z.string(),
    currency_code: z.string(),
    email: z.string(),
    telephone: z.string().nullish(),
    shipping_firstname: z.string(),
    shipping_lastname: z.string(),
    shipping_address_1: z.string(),
    shipping_address_2: z.string().nullish(),
    shipping_postcode: z.string(),
    shipping_city: z.string(),
    shipping_iso_code_2: z.string(),
    totals: z.array(z.object({ code: z.string(), value: Money })),
    products: z.array(
      z.object({ model: z.string(), name: z.string(), quantity: z.coerce.number().int(), price: Money }),
    ),
  }),
  toPlain: (o) => ({
    id: o.order_id,
    status: o.order_status,
    cancelled: ['Canceled', 'Voided'].includes(o.order_status),
    reference: o.order_id,
    name: `${o.shipping_firstname} ${o.shipping_lastname}`,
    email: o.email,
    phone: o.telephone,
    line1: o.shipping_address_1,
    line2: o.shipping_address_2,
    postalCode: o.shipping_postcode,
    city: o.shipping_city,
    country: o.shipping_iso_code_2,
    currency: o.currency_code,
    shippingMinor: toMinor(o.totals.find((t) => t.code === 'shipping')?.value ?? 0),
    items: o.products.map((p) => ({
      sku: p.model,
      name: p.name,
      quantity: p.quantity,
      unitPriceMinor: toMinor(p.price),
    })),
  }),
  sample: (seed) => ({
    order_id: seed,
    order_status: 'Pending',
    currency_code: 'EUR',
    email: 'noah.peeters@example.be',
    telephone: '+3221234567',
    shipping_firstname: 'Noah',
    shipping_lastname: 'Peeters',
    shipping_address_1: 'Grote Markt 1',
    shipping_address_2: '',
    shipping_postcode: '1000',
    shipping_city: 'Brussel',
    shipping_iso_code_2: 'BE',
    totals: [
      { code: 'sub_total', value: '101.0000' },
      { code: 'shipping', value: '5.0000' },
    ],
    products: [{ model: 'Product 14', name: 'iPod Nano', quantity: '1', price: '101.0000' }],
  }),
});

export const nopcommerce = simulateOnlyProvider({
  id: 'nopcommerce',
  displayName: 'nopCommerce',
  credentials: z.object({ shop_url: baseUrl, ...clientCredentials('Web API plugin').shape }),
  setup: {
    where: 'nopCommerce admin → Configuration → Web API (plugin) → Clients → Add new client',
    scopes: ['Orders: read'],
    docsUrl: 'https://docs.nopcommerce.com/en/developer/plugins/web-api.html',
  },
  shape: z.object({
    id: z.number().int(),
    custom_order_number: z.string(),
    order_status: z.string(),
    customer_currency_code: z.string(),
    order_shipping_incl_tax: z.number(),
    shipping_address: z.object({
      first_name: z.string(),
      last_name: z.string(),
      email: z.string(),
      phone_number: z.string().nullish(),
      address1: z.string(),
      address2: z.string().nullish(),
      zip_postal_code: z.string(),
      city: z.string(),
      country_two_letter_iso_code: z.string(),
    }),
    order_items: z.array(
      z.object({
        product: z.object({ sku: z.string(), name: z.string() }),
        quantity: z.number().int(),
        unit_price_incl_tax: z.number(),
      }),
    ),
  }),
  toPlain: (o) => {
    const a = o.shipping_address;
    return {
      id: String(o.id),
      status: o.order_status,
      cancelled: o.order_status === 'Cancelled',
      reference: o.custom_order_number,
      name: `${a.first_name} ${a.last_name}`,
      email: a.email,
      phone: a.phone_number,
      line1: a.address1,
      line2: a.address2,
      postalCode: a.zip_postal_code,
      city: a.city,
      country: a.country_two_letter_iso_code,
      currency: o.customer_currency_code,
      shippingMinor: toMinor(o.order_shipping_incl_tax.toFixed(2)),
      items: o.order_items.map((i) => ({
        sku: i.product.sku,
        name: i.product.name,
        quantity: i.quantity,
        unitPriceMinor: toMinor(i.unit_price_incl_tax.toFixed(2)),
      })),
    };
  },
  sample: (seed) => ({
    id: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
    custom_order_number: seed,
    order_status: 'Pending',
    customer_currency_code: 'EUR',
    order_shipping_incl_tax: 0,
    shipping_address: {
      first_name: 'Julia',
      last_name: 'de Boer',
      email: 'julia.deboer@example.nl',
      phone_number: '0501234567',
      address1: 'Vismarkt 12',
      address2: null,
      zip_postal_code: '9711 KT',
      city: 'Groningen',
      country_two_letter_iso_code: 'NL',
    },
    order_items: [
      { product: { sku: 'AS_551_LP', name: 'Leather handbag' }, quantity: 1, unit_price_incl_tax: 120 },
    ],
  }),
});

export const odoo = simulateOnlyProvider({
  id: 'odoo',
  displayName: 'Odoo',
  credentials: z.object({
    url: baseUrl,
    database: z.string().trim().min(1),
    username: z.string().trim().min(1),
    ...apiKeyCredentials('Odoo API key (Preferences → Account Security)').shape,
  }),
  setup: {
    where: 'Odoo → your avatar → My Profile → Account Security → New API Key',
    scopes: ['Sales / User: Own Documents Only'],
    docsUrl: 'https://www.odoo.com/documentation/17.0/developer/reference/external_api.html',
  },
  shape: z.object({
    id: z.number().int(),
    name: z.string(),
    state: z.string(),
    currency_id: z.tuple([z.number(), z.string()]),
    partner_shipping: z.object({
      name: z.string(),
      email: z.string(),
      phone: z.union([z.string(), z.literal(false)]),
      street: z.string(),
      street2: z.union([z.string(), z.literal(false)]),
      zip: z.string(),
      city: z.string(),
      country_code: z.string(),
    }),
    order_line: z.array(
      z.object({
        product_default_code: z.union([z.string(), z.literal(false)]),
        name: z.string(),
        product_uom_qty: z.number(),
        price_unit: z.number(),
        is_delivery: z.boolean(),
      }),
    ),
  }),
  toPlain: (o) => {
    const p = o.partner_shipping;
    const lines = o.order_line.filter((l) => !l.is_delivery);
    return {
      id: String(o.id),
      status: o.state,
      cancelled: o.state === 'cancel',
      reference: o.name,
      name: p.name,
      email: p.email,
      phone: p.phone || null,
      line1: p.street,
      line2: p.street2 || null,
      postalCode: p.zip,
      city: p.city,
      country: p.country_code,
      currency: o.currency_id[1],
      // Odoo books shipping as an order line flagged is_delivery.
      shippingMinor: o.order_line
        .filter((l) => l.is_delivery)
        .reduce((sum, l) => sum + toMinor(l.price_unit.toFixed(2)), 0),
      items: lines.map((l) => ({
        sku: l.product_default_code || l.name.slice(0, 100),
        name: l.name,
        quantity: l.product_uom_qty,
        unitPriceMinor: toMinor(l.price_unit.toFixed(2)),
      })),
    };
  },
  sample: (seed) => ({
    id: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
    name: `S${seed}`,
    state: 'sale',
    currency_id: [1, 'EUR'] as [number, string],
    partner_shipping: {
      name: 'Sem Mulder',
      email: 'sem.mulder@example.nl',
      phone: false as const,
      street: 'Stationsplein 1',
      street2: false as const,
      zip: '2011 LR',
      city: 'Haarlem',
      country_code: 'NL',
    },
    order_line: [
      {
        product_default_code: 'FURN_7800',
        name: 'Desk Combination',
        product_uom_qty: 1,
        price_unit: 450,
        is_delivery: false,
      },
      {
        product_default_code: false as const,
        name: 'Standard delivery',
        product_uom_qty: 1,
        price_unit: 9.95,
        is_delivery: true,
      },
    ],
  }),
});
