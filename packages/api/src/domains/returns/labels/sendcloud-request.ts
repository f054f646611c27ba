import type { LoadedReturnCase } from '../service/load-case';
import type { SendcloudAddress, SendcloudReturnRequest } from '../sendcloud/wire';

/** Member states: a return from elsewhere needs parcel items and a customs invoice number at Sendcloud. */
const EU = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '),
);

interface Address {
  name: string;
  addressLine1: string;
  addressLine2?: string | null;
  postalCode: string;
  city: string;
  country: string;
  email?: string | null;
  phone?: string | null;
}

function sendcloudAddress(address: Address): SendcloudAddress {
  return {
    name: address.name,
    address_line_1: address.addressLine1,
    ...(address.addressLine2 ? { address_line_2: address.addressLine2 } : {}),
    postal_code: address.postalCode,
    city: address.city,
    country_code: address.country,
    ...(address.email ? { email: address.email } : {}),
    ...(address.phone ? { phone_number: address.phone } : {}),
  };
}

/** Sendcloud takes prices in major units; the platform's currencies all have two decimals. */
const major = (minor: number): number => minor / 100;

/**
 * The return as Sendcloud's v3 returns API takes it: from the consumer (the order's address) to the merchant's
 * return address, the parcel's weight split over the items (Sendcloud wants a weight per item), every item
 * listed (mandatory outside the EU, and harmless inside), the case id as the external reference (Sendcloud
 * refuses a reference twice, a second guard against booking one return twice; `<id>-2`… after a withdrawn label).
 */
export function sendcloudReturnRequest(
  loaded: LoadedReturnCase,
  to: Address,
  options: { shippingOptionCode: string; contract?: number; weightGrams: number; externalReference: string },
): SendcloudReturnRequest {
  const pieces = loaded.items.reduce((sum, item) => sum + item.quantity, 0);
  const perPieceKg = Math.max(1, Math.round(options.weightGrams / Math.max(1, pieces))) / 1000;
  const from = loaded.consumerAddress;
  const international = from.country !== to.country || !EU.has(from.country);
  const dimensions = loaded.parcel.dimensionsMm;
  return {
    from_address: sendcloudAddress(from),
    to_address: sendcloudAddress(to),
    ship_with: {
      type: 'shipping_option_code',
      shipping_option_code: options.shippingOptionCode,
      ...(options.contract ? { contract: options.contract } : {}),
    },
    ...(dimensions ? { dimensions: { ...dimensions, unit: 'mm' as const } } : {}),
    weight: { value: options.weightGrams / 1000, unit: 'kg' },
    collo_count: 1,
    parcel_items: loaded.items.map((item) => ({
      description: item.description,
      quantity: item.quantity,
      weight: { value: perPieceKg, unit: 'kg' as const },
      value: { value: major(item.unitPriceMinor), currency: item.currency },
      sku: item.sku,
    })),
    send_tracking_emails: false,
    order_number: loaded.merchantReference,
    external_reference: options.externalReference,
    total_order_value: { value: major(loaded.itemsValueMinor), currency: loaded.row.currency },
    ...(international ? { customs_invoice_nr: `RET-${loaded.row.id.slice(0, 8)}` } : {}),
    delivery_option: 'drop_off_point',
  };
}
