import { z } from 'zod';
import { odooOrderReader } from './odoo-orders';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  url: z.url().describe('The Odoo address, e.g. https://mycompany.odoo.com'),
  database: z.string().trim().min(1).describe('The database name'),
  username: z.string().trim().min(1).describe('The login (e-mail) of the user the API key belongs to'),
  api_key: z.string().trim().min(8).describe('Odoo API key (Preferences → Account Security)'),
});

// Odoo sends false, not null, for an empty field.
const OdooText = z.union([z.string(), z.literal(false)]).transform((value) => value || null);
const Partner = z.object({
  name: OdooText,
  email: OdooText,
  phone: OdooText,
  street: z.string(),
  street2: OdooText,
  zip: z.string(),
  city: z.string(),
  country_code: z.string(),
});
const OdooOrder = z.object({
  id: z.number().int(),
  name: z.string(),
  state: z.string(),
  currency_id: z.tuple([z.number().int(), z.string()]),
  partner: Partner.partial({ street: true, zip: true, city: true, country_code: true }),
  partner_shipping: Partner,
  lines: z.array(
    z.object({
      name: z.string(),
      product_default_code: OdooText,
      product_uom_qty: z.number(),
      // Tax included and net of the line's own discount (%): the consumer pays the gross amount at the door.
      price_total: z.number(),
      display_type: OdooText.optional(),
      is_delivery: z.boolean().optional(),
    }),
  ),
});
type OdooLine = z.infer<typeof OdooOrder>['lines'][number];

const minorOf = (amount: number) => toMinor(amount.toFixed(2));
/** Odoo keeps the line total; the unit price is that total per unit, rounded to the cent. */
const unitMinor = (line: OdooLine) => Math.round(minorOf(line.price_total) / line.product_uom_qty);

export const odoo = defineProvider({
  id: 'odoo',
  displayName: 'Odoo',
  credentials: Credentials,
  setup: {
    where: 'Odoo → your avatar → My Profile → Account Security → New API Key',
    scopes: ['Sales / User: Own Documents Only'],
    docsUrl: 'https://www.odoo.com/documentation/17.0/developer/reference/external_api.html',
  },
  webhookSignature: 'none',
  mapOrder(raw) {
    const o = OdooOrder.parse(raw);
    const ship = o.partner_shipping;
    // Section and note lines (display_type set) are layout; empty lines carry nothing to ship.
    const goods = o.lines.filter((l) => !l.display_type && l.product_uom_qty > 0);
    // Line discounts are already inside price_total, so they are not counted again. Order-level rewards
    // (coupons, promotions, the global discount) are lines of their own with a negative total: IPAY items
    // cannot be negative, so together they are the order's discount. No check against amount_total: unit
    // prices are line totals divided by the quantity, which can be a cent off.
    const rewards = goods.filter((l) => l.price_total < 0);
    const charged = goods.filter((l) => l.price_total >= 0);
    return {
      platformOrderId: String(o.id),
      platformStatus: o.state,
      cancelled: o.state === 'cancel',
      order: toCreateOrderInput('odoo', {
        reference: o.name,
        name: ship.name ?? o.partner.name ?? '',
        // A delivery address is often a contact without its own e-mail: the customer's then.
        email: ship.email ?? o.partner.email ?? '',
        phone: ship.phone ?? o.partner.phone,
        line1: ship.street,
        line2: ship.street2,
        postalCode: ship.zip,
        city: ship.city,
        country: ship.country_code,
        currency: o.currency_id[1],
        // Odoo books shipping as an order line flagged is_delivery.
        shippingMinor: charged
          .filter((l) => l.is_delivery)
          .reduce((sum, l) => sum + minorOf(l.price_total), 0),
        discountMinor: rewards.reduce((sum, l) => sum - minorOf(l.price_total), 0),
        items: charged
          .filter((l) => !l.is_delivery)
          .map((l) => ({
            sku: l.product_default_code || l.name.slice(0, 100),
            name: l.name,
            quantity: l.product_uom_qty,
            unitPriceMinor: unitMinor(l),
          })),
      }),
    };
  },
  sampleOrder: (seed) => {
    const address = {
      name: 'Sem Mulder',
      email: 'sem.mulder@example.nl',
      phone: false,
      street: 'Stationsplein 1',
      street2: false,
      zip: '2011 LR',
      city: 'Haarlem',
      country_code: 'NL',
    };
    const id = Number(seed.replace(/\D/g, '').slice(0, 9) || '1');
    return {
      id,
      name: `S${seed}`,
      state: 'sale',
      currency_id: [1, 'EUR'],
      partner_id: [7, 'Sem Mulder'],
      partner_shipping_id: [7, 'Sem Mulder'],
      order_line: [1, 2, 3],
      partner: { id: 7, ...address },
      partner_shipping: { id: 7, ...address },
      lines: [
        {
          id: 1,
          order_id: [id, `S${seed}`],
          product_id: [31, '[FURN_7800] Desk Combination'],
          name: 'Desk Combination',
          product_uom_qty: 1,
          price_total: 544.5,
          display_type: false,
          is_delivery: false,
          product_default_code: 'FURN_7800',
        },
        {
          id: 2,
          order_id: [id, `S${seed}`],
          product_id: [52, 'Standard delivery'],
          name: 'Standard delivery',
          product_uom_qty: 1,
          price_total: 9.95,
          display_type: false,
          is_delivery: true,
          product_default_code: false,
        },
        {
          id: 3,
          order_id: [id, `S${seed}`],
          product_id: [60, '10% on your order'],
          name: 'Discount: 10% on your order',
          product_uom_qty: 1,
          price_total: -54.45,
          display_type: false,
          is_delivery: false,
          product_default_code: false,
        },
      ],
    };
  },
  client: (credentials, settings) => {
    const reader = odooOrderReader(
      {
        url: credentials.url,
        database: credentials.database,
        username: credentials.username,
        apiKey: credentials.api_key,
      },
      settings,
    );
    return {
      verify: async () => {
        await reader.login();
      },
      recentOrders: (limit) => reader.recent(limit),
    };
  },
});
