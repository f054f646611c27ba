import type { DbExecutor } from '@ipay/db';

export interface CarrierParcel {
  orderId: string;
  merchantId: string;
  trackingNumber: string | null;
  ipayReference: string | null;
}

/**
 * The order a carrier reports on, found by the tracking number of one of its parcels or by its IPAY reference,
 * and only among orders this carrier delivers: a carrier cannot reach another carrier's parcels. Read here
 * because this domain owns the sessions (and reads orders for the consumer's parcels already).
 */
export async function findCarrierParcel(
  db: DbExecutor,
  request: { carrier: string; trackingNumber?: string; ipayReference?: string },
): Promise<CarrierParcel | undefined> {
  let query = db
    .selectFrom('orders')
    .select(['orders.id', 'orders.merchant_id'])
    .where('orders.carrier_code', '=', request.carrier)
    .where('orders.status', '!=', 'CANCELLED');
  if (request.trackingNumber !== undefined) {
    const trackingNumber = request.trackingNumber;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('order_parcels')
          .select('order_parcels.id')
          .whereRef('order_parcels.order_id', '=', 'orders.id')
          .where('order_parcels.carrier_code', '=', request.carrier)
          .where('order_parcels.tracking_number', '=', trackingNumber),
      ),
    );
  }
  if (request.ipayReference !== undefined) {
    const reference = request.ipayReference;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('payment_sessions')
          .select('payment_sessions.id')
          .whereRef('payment_sessions.order_id', '=', 'orders.id')
          .where('payment_sessions.reference', '=', reference),
      ),
    );
  }
  const order = await query.limit(1).executeTakeFirst();
  if (!order) return undefined;
  const session = await db
    .selectFrom('payment_sessions')
    .select('reference')
    .where('order_id', '=', order.id)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    orderId: order.id,
    merchantId: order.merchant_id,
    trackingNumber: request.trackingNumber ?? null,
    ipayReference: request.ipayReference ?? session?.reference ?? null,
  };
}

/** The address the consumer of an order is reached at (the order's customer e-mail) and the merchant's name. */
export async function orderRecipient(
  db: DbExecutor,
  orderId: string,
): Promise<{ email: string; merchantName: string; merchantReference: string } | undefined> {
  const row = await db
    .selectFrom('orders')
    .innerJoin('organizations', 'organizations.id', 'orders.merchant_id')
    .select(['orders.customer_email', 'orders.merchant_reference', 'organizations.name'])
    .where('orders.id', '=', orderId)
    .executeTakeFirst();
  return (
    row && { email: row.customer_email, merchantName: row.name, merchantReference: row.merchant_reference }
  );
}
