import { z } from 'zod';
import { toMinor } from './order-shape';
import { clientCredentials, Money, simulateOnlyProvider } from './simple-provider';

const baseUrl = z.url().describe("The shop's address");

export const prestashop = simulateOnlyProvider({
  id: 'prestashop',
  displayName: 'PrestaShop',
  credentials: z.object({ shop_url: baseUrl, webservice_key: z.string().trim().length(32) }),
  setup: {
    where: 'PrestaShop back office → Advanced Parameters → Webservice → Add new webservice key',
    scopes: ['orders: GET', 'addresses: GET', 'customers: GET'],
    docsUrl: 'https://devdocs.prestashop-project.org/8/webservice/',
  },
  shape: z.object({
    order: z.object({
      id: z.coerce.string(),
      reference: z.string(),
      current_state: z.coerce.string(),
      total_shipping_tax_incl: Money,
      iso_currency: z.string(),
      customer: z.object({ firstname: z.string(), lastname: z.string(), email: z.string() }),
      address_delivery: z.object({
        address1: z.string(),
        address2: z.string().nullish(),
        postcode: z.string(),
        city: z.string(),
        country_iso: z.string(),
        phone: z.string().nullish(),
      }),
      associations: z.object({
        order_rows: z.array(
          z.object({
            product_reference: z.string(),
            product_name: z.string(),
            product_quantity: z.coerce.number().int(),
            unit_price_tax_incl: Money,
          }),
        ),
      }),
    }),
  }),
  toPlain: ({ order: o }) => ({
    id: o.id,
    status: o.current_state,
    cancelled: o.current_state === '6',
    reference: o.reference,
    name: `${o.customer.firstname} ${o.customer.lastname}`,
    email: o.customer.email,
    phone: o.address_delivery.phone,
    line1: o.address_delivery.address1,
    line2: o.address_delivery.address2,
    postalCode: o.address_delivery.postcode,
    city: o.address_delivery.city,
    country: o.address_delivery.country_iso,
    currency: o.iso_currency,
    shippingMinor: toMinor(o.total_shipping_tax_incl),
    items: o.associations.order_rows.map((r) => ({
      sku: r.product_reference,
      name: r.product_name,
      quantity: r.product_quantity,
      unitPriceMinor: toMinor(r.unit_price_tax_incl),
    })),
  }),
  sample: (seed) => ({
    order: {
      id: seed,
      reference: `XKBKNABJK${seed}`.slice(0, 16),
      current_state: '2',
      total_shipping_tax_incl: '6.050000',
      iso_currency: 'EUR',
      customer: { firstname: 'Lotte', lastname: 'Bakker', email: 'lotte.bakker@example.nl' },
      address_delivery: {
        address1: 'Markt 8',
        address2: '',
        postcode: '5611 EB',
        city: 'Eindhoven',
        country_iso: 'NL',
        phone: '0401234567',
      },
      associations: {
        order_rows: [
          {
            product_reference: 'demo_1',
            product_name: 'Hummingbird printed t-shirt',
            product_quantity: '1',
            unit_price_tax_incl: '23.900000',
          },
        ],
      },
    },
  }),
});

export const magento = simulateOnlyProvider({
  id: 'magento',
  displayName: 'Magento 2 / Adobe Commerce',
  credentials: z.object({
    base_url: baseUrl,
    access_token: z.string().trim().min(16).describe('Integration access token'),
  }),
  setup: {
    where:
      'Magento admin → System → Extensions → Integrations → Add New Integration → Activate, copy the access token',
    scopes: ['Magento_Sales::sales'],
    docsUrl: 'https://developer.adobe.com/commerce/webapi/rest/',
  },
  shape: z.object({
    entity_id: z.number().int(),
    increment_id: z.string(),
    status: z.string(),
    order_currency_code: z.string(),
    customer_email: z.string(),
    shipping_amount: z.number(),
    items: z.array(
      z.object({
        sku: z.string(),
        name: z.string(),
        qty_ordered: z.number(),
        price_incl_tax: z.number(),
        parent_item_id: z.number().nullish(),
      }),
    ),
    extension_attributes: z.object({
      shipping_assignments: z
        .array(
          z.object({
            shipping: z.object({
              address: z.object({
                firstname: z.string(),
                lastname: z.string(),
                street: z.array(z.string()).min(1),
                postcode: z.string(),
                city: z.string(),
                country_id: z.string(),
                telephone: z.string().nullish(),
              }),
            }),
          }),
        )
        .min(1),
    }),
  }),
  toPlain: (o) => {
    const address = o.extension_attributes.shipping_assignments[0]!.shipping.address;
    return {
      id: String(o.entity_id),
      status: o.status,
      cancelled: o.status === 'canceled',
      reference: o.increment_id,
      name: `${address.firstname} ${address.lastname}`,
      email: o.customer_email,
      phone: address.telephone,
      line1: address.street[0]!,
      line2: address.street.slice(1).join(' '),
      postalCode: address.postcode,
      city: address.city,
      country: address.country_id,
      currency: o.order_currency_code,
      shippingMinor: toMinor(o.shipping_amount.toFixed(2)),
      // Configurable products come as a parent line and a child line: the parent carries the price.
      items: o.items
        .filter((i) => !i.parent_item_id)
        .map((i) => ({
          sku: i.sku,
          name: i.name,
          quantity: i.qty_ordered,
          unitPriceMinor: toMinor(i.price_incl_tax.toFixed(2)),
        })),
    };
  },
  sample: (seed) => ({
    entity_id: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
    increment_id: `00000${seed}`,
    status: 'pending',
    order_currency_code: 'EUR',
    customer_email: 'sophie.mueller@example.de',
    shipping_amount: 5,
    items: [{ sku: 'MJ01-M-Red', name: 'Beaumont Summit Kit', qty_ordered: 1, price_incl_tax: 42 }],
    extension_attributes: {
      shipping_assignments: [
        {
          shipping: {
            address: {
              firstname: 'Sophie',
              lastname: 'Müller',
              street: ['Friedrichstraße 43'],
              postcode: '10117',
              city: 'Berlin',
              country_id: 'DE',
              telephone: '+49301234567',
            },
          },
        },
      ],
    },
  }),
});

export const bigcommerce = simulateOnlyProvider({
  id: 'bigcommerce',
  displayName: 'BigCommerce',
  credentials: z.object({
    store_hash: z
      .string()
      .trim()
      .regex(/^[a-z0-9]+$/),
    access_token: z.string().trim().min(16),
    client_secret: z.string().trim().min(8).optional(),
  }),
  setup: {
    where:
      'BigCommerce control panel → Settings → Store-level API accounts → Create API account (store hash is in the API path)',
    scopes: ['Orders: read-only'],
    docsUrl: 'https://developer.bigcommerce.com/docs/rest-management/orders',
  },
  webhookSignature: 'standard-webhooks',
  shape: z.object({
    id: z.number().int(),
    status: z.string(),
    currency_code: z.string(),
    shipping_cost_inc_tax: Money,
    billing_address: z.object({
      first_name: z.string(),
      last_name: z.string(),
      email: z.string(),
      phone: z.string().nullish(),
    }),
    shipping_addresses: z
      .array(
        z.object({
          first_name: z.string(),
          last_name: z.string(),
          street_1: z.string(),
          street_2: z.string().nullish(),
          zip: z.string(),
          city: z.string(),
          country_iso2: z.string(),
        }),
      )
      .min(1),
    products: z.array(
      z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), price_inc_tax: Money }),
    ),
  }),
  toPlain: (o) => {
    const s = o.shipping_addresses[0]!;
    return {
      id: String(o.id),
      status: o.status,
      cancelled: o.status === 'Cancelled',
      reference: String(o.id),
      name: `${s.first_name} ${s.last_name}`,
      email: o.billing_address.email,
      phone: o.billing_address.phone,
      line1: s.street_1,
      line2: s.street_2,
      postalCode: s.zip,
      city: s.city,
      country: s.country_iso2,
      currency: o.currency_code,
      shippingMinor: toMinor(o.shipping_cost_inc_tax),
      items: o.products.map((p) => ({
        sku: p.sku,
        name: p.name,
        quantity: p.quantity,
        unitPriceMinor: toMinor(p.price_inc_tax),
      })),
    };
  },
  sample: (seed) => ({
    id: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
    status: 'Awaiting Fulfillment',
    currency_code: 'EUR',
    shipping_cost_inc_tax: '7.5000',
    billing_address: {
      first_name: 'Emma',
      last_name: 'Visser',
      email: 'emma.visser@example.nl',
      phone: '0612345678',
    },
    shipping_addresses: [
      {
        first_name: 'Emma',
        last_name: 'Visser',
        street_1: 'Coolsingel 40',
        street_2: '',
        zip: '3011 AD',
        city: 'Rotterdam',
        country_iso2: 'NL',
      },
    ],
    products: [
      { sku: 'SLCTBS', name: '[Sample] Orbit Terrarium - Large', quantity: 1, price_inc_tax: '109.0000' },
    ],
  }),
});

export const lightspeed = simulateOnlyProvider({
  id: 'lightspeed',
  displayName: 'Lightspeed eCom',
  credentials: z.object({
    cluster: z.enum(['eu1', 'us1']),
    api_key: z.string().trim().min(8),
    api_secret: z.string().trim().min(8),
  }),
  setup: {
    where: 'Lightspeed eCom back office → Settings → API keys (or an app from the Lightspeed app store)',
    scopes: ['orders'],
    docsUrl: 'https://developers.lightspeedhq.com/ecom/endpoints/order/',
  },
  webhookSignature: 'lightspeed-md5',
  shape: z.object({
    order: z.object({
      id: z.number().int(),
      number: z.string(),
      status: z.string(),
      email: z.string(),
      firstname: z.string(),
      lastname: z.string(),
      phone: z.string().nullish(),
      currency: z.string().optional(),
      shipmentPriceIncl: z.number(),
      addressShippingStreet: z.string(),
      addressShippingNumber: z.string(),
      addressShippingZipcode: z.string(),
      addressShippingCity: z.string(),
      addressShippingCountry: z.object({ code: z.string() }),
      products: z.array(
        z.object({
          articleCode: z.string(),
          productTitle: z.string(),
          quantityOrdered: z.number().int(),
          priceIncl: z.number(),
        }),
      ),
    }),
  }),
  toPlain: ({ order: o }) => ({
    id: String(o.id),
    status: o.status,
    cancelled: o.status === 'cancelled',
    reference: o.number,
    name: `${o.firstname} ${o.lastname}`,
    email: o.email,
    phone: o.phone,
    line1: `${o.addressShippingStreet} ${o.addressShippingNumber}`,
    postalCode: o.addressShippingZipcode,
    city: o.addressShippingCity,
    country: o.addressShippingCountry.code.toUpperCase(),
    currency: o.currency ?? 'EUR',
    shippingMinor: toMinor(o.shipmentPriceIncl.toFixed(2)),
    items: o.products.map((p) => ({
      sku: p.articleCode,
      name: p.productTitle,
      quantity: p.quantityOrdered,
      unitPriceMinor: toMinor(p.priceIncl.toFixed(2)),
    })),
  }),
  sample: (seed) => ({
    order: {
      id: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
      number: `ORD${seed}`,
      status: 'processing_awaiting_shipment',
      email: 'daan.smit@example.nl',
      firstname: 'Daan',
      lastname: 'Smit',
      phone: '0201234567',
      currency: 'EUR',
      shipmentPriceIncl: 5.95,
      addressShippingStreet: 'Damrak',
      addressShippingNumber: '70',
      addressShippingZipcode: '1012 LM',
      addressShippingCity: 'Amsterdam',
      addressShippingCountry: { code: 'nl' },
      products: [
        { articleCode: 'LS-CAP-01', productTitle: 'Baseball cap', quantityOrdered: 2, priceIncl: 24.95 },
      ],
    },
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
