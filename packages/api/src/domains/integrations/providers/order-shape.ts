import type { CreateOrderInput, ShipmentInput } from '../../orders/schemas';

/** Decimal money as platforms send it ("19.99", 19.99) in minor units, without floating-point drift. */
export function toMinor(amount: string | number, fractionDigits = 2): number {
  const [whole = '0', fraction = ''] = String(amount).trim().split('.');
  const padded = (fraction + '0'.repeat(fractionDigits)).slice(0, fractionDigits);
  const sign = whole.startsWith('-') ? -1 : 1;
  return sign * (Math.abs(Number(whole)) * 10 ** fractionDigits + Number(padded || '0'));
}

export interface PlainOrder {
  reference: string;
  name: string;
  email: string;
  phone?: string | null;
  line1: string;
  line2?: string | null;
  postalCode: string;
  city: string;
  country: string;
  currency: string;
  shippingMinor: number;
  /** Vouchers and promotions on the whole order: what the consumer pays at the door is net of them. */
  discountMinor?: number;
  /**
   * The platform's own grand total, only where the platform reports a reliable one and the mapper reads every
   * price as given (no per-unit division). Sent as `total_minor`, so the order service refuses the order when
   * items + shipping − discount make another amount: better not imported than collected wrong at the door.
   */
  totalMinor?: number;
  carrierCode?: string;
  items: Array<{ sku: string; name: string; quantity: number; unitPriceMinor: number }>;
}

/** Platform orders become IPAY orders under a reference prefixed by the provider, so shops never collide. */
export function toCreateOrderInput(provider: string, order: PlainOrder): CreateOrderInput {
  return {
    merchant_reference: `${provider}-${order.reference}`.slice(0, 100),
    customer: {
      name: order.name,
      email: order.email,
      phone: order.phone || null,
      address: {
        line1: order.line1,
        line2: order.line2 || null,
        postal_code: order.postalCode,
        city: order.city,
        country: order.country,
      },
    },
    items: order.items.map((item) => ({
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
      unit_price_minor: item.unitPriceMinor,
    })),
    currency: order.currency,
    carrier_code: order.carrierCode ?? 'POSTNL',
    ipay_flag: true,
    shipping_minor: order.shippingMinor,
    discount_minor: order.discountMinor ?? 0,
    total_minor: order.totalMinor,
  };
}

/** One tracked piece a shop reports: the number as the shop shows it, and the day it was handed over. */
export interface PlainParcel {
  trackingNumber: string;
  shipDate?: string;
}

/**
 * The shop's tracked pieces as shipment facts, each number once (a shop may repeat one across fulfilments);
 * none when the shop tracks nothing, so a sync never clears facts by saying nothing.
 */
export function toShipmentInput(parcels: PlainParcel[]): ShipmentInput | undefined {
  const seen = new Set<string>();
  const unique = parcels.filter(({ trackingNumber }) => {
    const key = trackingNumber.replace(/\s+/g, '').toUpperCase();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!unique.length) return undefined;
  return {
    parcels: unique.map((parcel) => ({ tracking_number: parcel.trackingNumber, ship_date: parcel.shipDate })),
  };
}
