import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';

/** A merchant the consumer bought from: their latest paid order's time and how many paid orders. */
export interface MerchantBoughtFrom {
  merchantId: string;
  lastOrderedAt: Date;
  orders: number;
}

export interface ConsumerPurchaseHistory {
  /** Most recent first, then most orders, then merchant id: a stable order for a feed to rank by. */
  merchants: MerchantBoughtFrom[];
  /** The distinct delivery countries of their orders (not cancelled), sorted. */
  countries: string[];
}

// A consumer with more shops than this ranks the most recent ones; the rest count as shops never bought from.
const MAX_MERCHANTS = 100;

/**
 * What a consumer's orders say about them, for deals and offers: the merchants they bought from (an order that
 * was paid: PAID, RELEASED, DELIVERED, or a session with a payment) and the countries their orders go to. Orders
 * carrying the address case-insensitively, as their parcels list (index `orders_customer_email_idx`).
 */
export async function purchaseHistoryForEmail(
  db: DbExecutor,
  request: { email: string },
): Promise<ConsumerPurchaseHistory> {
  const email = request.email.toLowerCase();
  const ofConsumer = db
    .selectFrom('orders')
    .where(sql<string>`lower(orders.customer_email)`, '=', email)
    .where('orders.status', '!=', 'CANCELLED');
  const [merchants, countries] = await Promise.all([
    ofConsumer
      .where((eb) =>
        eb.or([
          eb('orders.status', 'in', ['PAID', 'RELEASED', 'DELIVERED']),
          eb.exists(
            eb
              .selectFrom('payment_sessions')
              .select(sql`1`.as('paid'))
              .whereRef('payment_sessions.order_id', '=', 'orders.id')
              .where('payment_sessions.paid_at', 'is not', null),
          ),
        ]),
      )
      .select([
        'orders.merchant_id',
        (eb) => eb.fn.max('orders.created_at').as('last_ordered_at'),
        (eb) => eb.fn.countAll<string>().as('orders'),
      ])
      .groupBy('orders.merchant_id')
      .orderBy('last_ordered_at', 'desc')
      .orderBy('orders', 'desc')
      .orderBy('orders.merchant_id')
      .limit(MAX_MERCHANTS)
      .execute(),
    ofConsumer.select('orders.country').distinct().orderBy('orders.country').execute(),
  ]);
  return {
    merchants: merchants.map((row) => ({
      merchantId: row.merchant_id,
      lastOrderedAt: row.last_ordered_at,
      orders: Number(row.orders),
    })),
    countries: countries.map((row) => row.country),
  };
}
