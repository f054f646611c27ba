import { z } from 'zod';
import type { ShopApiSettings } from '../shop-api';
import { getShopJson } from '../shop-api';
import { toCreateOrderInput, toMinor } from './order-shape';
import { defineProvider } from './types';

const Credentials = z.object({
  shop_url: z
    .url()
    .describe("The shop's address, e.g. https://shop.example.nl (the webservice is under /api)"),
  webservice_key: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character webservice key')
    .describe('Webservice key with GET on orders, customers, addresses, countries and currencies'),
});

// The webservice's JSON gives ids as numbers and every other field as a string.
const Id = z.coerce.string();
const Money = z.union([z.string(), z.number()]);
const PrestaOrder = z.object({
  id: Id,
  reference: z.string(),
  current_state: Id,
  id_customer: Id,
  id_address_delivery: Id,
  id_currency: Id,
  total_shipping_tax_incl: Money,
  total_wrapping_tax_incl: Money.default(0),
  // Cart rules (vouchers, free shipping); the rows' unit_price_tax_incl already carry catalog price reductions.
  total_discounts_tax_incl: Money.default(0),
  total_paid_tax_incl: Money.nullish(),
  associations: z.object({
    order_rows: z.array(
      z.object({
        product_id: Id,
        product_reference: z.string().nullish(),
        product_name: z.string(),
        product_quantity: z.coerce.number().int(),
        unit_price_tax_incl: Money,
      }),
    ),
  }),
});
const Customer = z.object({ id: Id, firstname: z.string(), lastname: z.string(), email: z.string() });
const Address = z.object({
  id: Id,
  id_country: Id,
  firstname: z.string(),
  lastname: z.string(),
  address1: z.string(),
  address2: z.string().nullish(),
  postcode: z.string(),
  city: z.string(),
  phone: z.string().nullish(),
  phone_mobile: z.string().nullish(),
});
const IsoCoded = z.object({ id: Id, iso_code: z.string() });
/**
 * An order as the webservice gives it, with the resources it references by id (customer, delivery address,
 * its country, currency), fetched alongside because the order alone has no name, address or currency code.
 */
const ResolvedOrder = z.object({
  order: PrestaOrder,
  customer: Customer,
  address: Address,
  country: IsoCoded,
  currency: IsoCoded,
});

const References = PrestaOrder.pick({
  id_customer: true,
  id_address_delivery: true,
  id_currency: true,
}).partial();

/** Order states that will not ship: Canceled, Refunded, Payment error (the default state ids). */
const CANCELLED_STATES = ['6', '7', '8'];

/** `{ "<resource>": [...] }`, or `[]` when nothing matches (the webservice's JSON for an empty list). */
function listOf<T extends z.ZodType>(resource: string, item: T) {
  return z
    .union([z.object({ [resource]: z.array(item) }), z.array(z.never()).length(0)])
    .transform((body) => (Array.isArray(body) ? [] : (body[resource] as z.infer<T>[])));
}

function webservice(credentials: z.infer<typeof Credentials>, settings: ShopApiSettings) {
  const headers = {
    authorization: `Basic ${Buffer.from(`${credentials.webservice_key}:`).toString('base64')}`,
  };
  const base = credentials.shop_url.replace(/\/?$/, '/');
  const get = (resource: string, query: Record<string, string>) =>
    getShopJson(
      new URL(`api/${resource}?${new URLSearchParams({ ...query, output_format: 'JSON' }).toString()}`, base),
      headers,
      settings,
    );
  /** Several resources in one call; only the fields the mapping reads. */
  const byIds = async <T extends z.ZodType<{ id: string }>>(
    resource: string,
    fields: string[],
    item: T,
    ids: string[],
  ): Promise<Map<string, z.infer<T>>> => {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const query = { display: `[${fields.join(',')}]`, 'filter[id]': `[${unique.join('|')}]` };
    const rows = listOf(resource, item).parse(await get(resource, query));
    return new Map(rows.map((row) => [row.id, row]));
  };
  return { get, byIds };
}

export const prestashop = defineProvider({
  id: 'prestashop',
  displayName: 'PrestaShop',
  credentials: Credentials,
  setup: {
    where:
      'PrestaShop back office → Advanced Parameters → Webservice → enable the webservice, Add new webservice key with GET on the resources below',
    scopes: ['orders: GET', 'customers: GET', 'addresses: GET', 'countries: GET', 'currencies: GET'],
    docsUrl: 'https://devdocs.prestashop-project.org/8/webservice/',
  },
  webhookSignature: 'none',
  mapOrder(raw) {
    const { order, customer, address, country, currency } = ResolvedOrder.parse(raw);
    return {
      platformOrderId: order.id,
      platformStatus: order.current_state,
      cancelled: CANCELLED_STATES.includes(order.current_state),
      order: toCreateOrderInput('prestashop', {
        reference: order.reference,
        name: `${address.firstname} ${address.lastname}`.trim(),
        email: customer.email,
        phone: address.phone_mobile || address.phone,
        line1: address.address1,
        line2: address.address2,
        postalCode: address.postcode,
        city: address.city,
        country: country.iso_code,
        currency: currency.iso_code,
        // Gift wrapping is owed at the door too; IPAY has one charge beside the items.
        shippingMinor: toMinor(order.total_shipping_tax_incl) + toMinor(order.total_wrapping_tax_incl),
        discountMinor: toMinor(order.total_discounts_tax_incl),
        totalMinor: order.total_paid_tax_incl == null ? undefined : toMinor(order.total_paid_tax_incl),
        items: order.associations.order_rows.map((row) => ({
          sku: row.product_reference || row.product_id,
          name: row.product_name,
          quantity: row.product_quantity,
          unitPriceMinor: toMinor(row.unit_price_tax_incl),
        })),
      }),
    };
  },
  sampleOrder: (seed) => ({
    order: {
      id: Number(seed.replace(/\D/g, '').slice(0, 9) || '1'),
      id_address_delivery: '7',
      id_address_invoice: '7',
      id_cart: '12',
      id_currency: '1',
      id_lang: '1',
      id_customer: '3',
      id_carrier: '2',
      current_state: '2',
      module: 'ps_wirepayment',
      payment: 'Bank transfer',
      reference: `XKBKNABJK${seed}`.slice(0, 16),
      total_discounts_tax_incl: '2.390000',
      total_discounts_tax_excl: '1.980000',
      total_paid_tax_incl: '27.560000',
      total_products_wt: '23.900000',
      total_shipping_tax_incl: '6.050000',
      total_wrapping_tax_incl: '0.000000',
      date_add: '2026-11-24 09:12:45',
      associations: {
        order_rows: [
          {
            id: '1',
            product_id: '1',
            product_attribute_id: '1',
            product_quantity: '1',
            product_name: 'Hummingbird printed t-shirt - Size : S- Color : White',
            product_reference: 'demo_1',
            unit_price_tax_incl: '23.900000',
            unit_price_tax_excl: '19.750000',
          },
        ],
      },
    },
    customer: { id: 3, firstname: 'Lotte', lastname: 'Bakker', email: 'lotte.bakker@example.nl' },
    address: {
      id: 7,
      id_country: '13',
      firstname: 'Lotte',
      lastname: 'Bakker',
      address1: 'Markt 8',
      address2: '',
      postcode: '5611 EB',
      city: 'Eindhoven',
      phone: '0401234567',
      phone_mobile: '',
    },
    country: { id: 13, iso_code: 'NL' },
    currency: { id: 1, iso_code: 'EUR' },
  }),
  client: (credentials, settings) => {
    const { get, byIds } = webservice(credentials, settings);
    return {
      verify: async () => {
        await get('', {});
      },
      // Five calls for up to 50 orders: the orders, then their customers, addresses, countries, currencies.
      recentOrders: async (limit) => {
        const orders = listOf('orders', z.unknown()).parse(
          await get('orders', { display: 'full', sort: '[id_DESC]', limit: String(limit) }),
        );
        // An order whose references cannot be read still goes to the mapper, which rejects it alone.
        const refs = orders.map((order) => References.safeParse(order).data ?? {});
        const ids = (key: keyof z.infer<typeof References>) => refs.flatMap((ref) => ref[key] ?? []);
        const [customers, addresses, currencies] = await Promise.all([
          byIds('customers', ['id', 'firstname', 'lastname', 'email'], Customer, ids('id_customer')),
          byIds('addresses', Object.keys(Address.shape), Address, ids('id_address_delivery')),
          byIds('currencies', ['id', 'iso_code'], IsoCoded, ids('id_currency')),
        ]);
        const countries = await byIds(
          'countries',
          ['id', 'iso_code'],
          IsoCoded,
          [...addresses.values()].map((address) => address.id_country),
        );
        return orders.map((order, index) => {
          const ref = refs[index] ?? {};
          const address = ref.id_address_delivery ? addresses.get(ref.id_address_delivery) : undefined;
          return {
            order,
            customer: ref.id_customer ? customers.get(ref.id_customer) : undefined,
            address,
            country: address ? countries.get(address.id_country) : undefined,
            currency: ref.id_currency ? currencies.get(ref.id_currency) : undefined,
          };
        });
      },
    };
  },
});
