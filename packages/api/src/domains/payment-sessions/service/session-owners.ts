import type { DbExecutor } from '@ipay/db';

/** Whose a session is: its order, the order's merchant, and the order's customer address (lower-case). */
export interface SessionOwner {
  sessionId: string;
  orderId: string;
  merchantId: string;
  email: string;
}

/** The owners of the given sessions; a session that does not exist, or whose order has no address, is left out. */
export async function sessionOwners(db: DbExecutor, sessionIds: readonly string[]): Promise<SessionOwner[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .select([
      'payment_sessions.id as sessionId',
      'payment_sessions.order_id as orderId',
      'payment_sessions.merchant_id as merchantId',
      'orders.customer_email as email',
    ])
    .where('payment_sessions.id', 'in', [...sessionIds])
    .execute();
  return rows.flatMap((row) => (row.email ? [{ ...row, email: row.email.toLowerCase() }] : []));
}
