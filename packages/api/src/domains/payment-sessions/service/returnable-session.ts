import type { DbExecutor } from '@ipay/db';
import type { SessionStatus } from '../schemas';

/** The order's lines as sold, for returning some of them. */
export interface ReturnableLine {
  position: number;
  sku: string;
  description: string;
  quantity: number;
  unitPriceMinor: number;
}

/** The consumer's address as the order holds it. */
export interface OrderAddress {
  name: string;
  email: string;
  phone: string | null;
  addressLine1: string;
  addressLine2: string | null;
  postalCode: string;
  city: string;
  country: string;
}

/** What the returns domain may know of a paid session: its order, lines, address and parcel size. */
export interface ReturnableSession {
  id: string;
  orderId: string;
  merchantId: string;
  merchantName: string;
  merchantReference: string;
  status: SessionStatus;
  psp: string | null;
  amountMinor: number;
  currency: string;
  shippingMinor: number;
  paidAt: Date | null;
  deliveredAt: Date | null;
  carrierCode: string;
  weightGrams: number | null;
  dimensionsMm: { length: number; width: number; height: number } | null;
  address: OrderAddress;
  lines: ReturnableLine[];
}

/** The session found by its pay token or its id, with its order; undefined when there is none. */
export async function findReturnableSession(
  db: DbExecutor,
  by: { payToken: string } | { sessionId: string },
): Promise<ReturnableSession | undefined> {
  const row = await db
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .innerJoin('organizations', 'organizations.id', 'payment_sessions.merchant_id')
    .select([
      'payment_sessions.id',
      'payment_sessions.order_id',
      'payment_sessions.merchant_id',
      'payment_sessions.status',
      'payment_sessions.psp',
      'payment_sessions.amount_minor',
      'payment_sessions.currency',
      'payment_sessions.paid_at',
      'payment_sessions.delivered_at',
      'organizations.name as merchant_name',
      'orders.merchant_reference',
      'orders.shipping_minor',
      'orders.carrier_code',
      'orders.weight_grams',
      'orders.length_mm',
      'orders.width_mm',
      'orders.height_mm',
      'orders.customer_name',
      'orders.customer_email',
      'orders.customer_phone',
      'orders.address_line1',
      'orders.address_line2',
      'orders.postal_code',
      'orders.city',
      'orders.country',
    ])
    .$call((q) =>
      'payToken' in by
        ? q.where('payment_sessions.pay_token', '=', by.payToken)
        : q.where('payment_sessions.id', '=', by.sessionId),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  const lines = await db
    .selectFrom('order_items')
    .select(['position', 'sku', 'name', 'quantity', 'unit_price_minor'])
    .where('order_id', '=', row.order_id)
    .orderBy('position')
    .execute();
  const { length_mm: length, width_mm: width, height_mm: height } = row;
  return {
    id: row.id,
    orderId: row.order_id,
    merchantId: row.merchant_id,
    merchantName: row.merchant_name,
    merchantReference: row.merchant_reference,
    status: row.status,
    psp: row.psp,
    amountMinor: row.amount_minor,
    currency: row.currency,
    shippingMinor: row.shipping_minor,
    paidAt: row.paid_at,
    deliveredAt: row.delivered_at,
    carrierCode: row.carrier_code,
    weightGrams: row.weight_grams,
    dimensionsMm: length && width && height ? { length, width, height } : null,
    address: {
      name: row.customer_name,
      email: row.customer_email,
      phone: row.customer_phone,
      addressLine1: row.address_line1,
      addressLine2: row.address_line2,
      postalCode: row.postal_code,
      city: row.city,
      country: row.country,
    },
    lines: lines.map((line) => ({
      position: line.position,
      sku: line.sku,
      description: line.name,
      quantity: line.quantity,
      unitPriceMinor: line.unit_price_minor,
    })),
  };
}
