import { z } from 'zod';
import { toMinor } from './order-shape';
import { clientCredentials, Money, simulateOnlyProvider } from './simple-provider';

const baseUrl = z.url().describe("The shop's address");
/** OpenCart's order-total extensions that reduce what the customer owes. */
const OPENCART_DISCOUNT_TOTALS = ['coupon', 'voucher', 'reward'];
const totalOf = (total: { value: string | number } | undefined) =>
  total === undefined ? undefined : toMinor(total.value);

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
    // Coupons, gift vouchers and reward points are order totals with a negative value.
    discountMinor: o.totals
      .filter((t) => OPENCART_DISCOUNT_TOTALS.includes(t.code))
      .reduce((sum, t) => sum - toMinor(t.value), 0),
    // The order's own total: a shop that adds tax totals (product prices here are before tax) is refused
    // rather than collected short.
    totalMinor: totalOf(o.totals.find((t) => t.code === 'total')),
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
      { code: 'coupon', value: '-10.1000' },
      { code: 'total', value: '95.9000' },
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
    payment_method_additional_fee_incl_tax: z.number().default(0),
    // Discounts on the subtotal (incl. tax) and on the order total (taken off after tax).
    order_sub_total_discount_incl_tax: z.number().default(0),
    order_discount: z.number().default(0),
    order_total: z.number().optional(),
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
      // A payment method's fee (e.g. for cash on delivery) is owed at the door like shipping.
      shippingMinor:
        toMinor(o.order_shipping_incl_tax.toFixed(2)) +
        toMinor(o.payment_method_additional_fee_incl_tax.toFixed(2)),
      discountMinor:
        toMinor(o.order_sub_total_discount_incl_tax.toFixed(2)) + toMinor(o.order_discount.toFixed(2)),
      // Gift cards and reward points lower order_total without being a discount: such an order is refused.
      totalMinor: o.order_total === undefined ? undefined : toMinor(o.order_total.toFixed(2)),
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
    payment_method_additional_fee_incl_tax: 0,
    order_sub_total_discount_incl_tax: 12,
    order_discount: 0,
    order_total: 108,
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
