import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';

/**
 * Every session paid in `[from, to)` as one settlement fact: its merchant, when it was paid, one order, in its
 * currency. A query, not rows, so a report can aggregate a year of a merchant's orders in the database; a
 * session paid and refunded since still counts as paid (its refund is a fact of its own).
 */
export function paidSessionFacts(db: DbExecutor, request: { from: Date; to: Date; merchantId?: string }) {
  let query = db
    .selectFrom('payment_sessions')
    .select([
      'payment_sessions.merchant_id',
      sql<Date>`payment_sessions.paid_at`.as('at'),
      'payment_sessions.currency',
      sql<number>`1`.as('orders'),
      sql<number>`0::bigint`.as('received_minor'),
      sql<number>`0::bigint`.as('refunded_minor'),
      sql<number>`0::bigint`.as('returned_minor'),
    ])
    .where('payment_sessions.paid_at', '>=', request.from)
    .where('payment_sessions.paid_at', '<', request.to);
  if (request.merchantId) query = query.where('payment_sessions.merchant_id', '=', request.merchantId);
  return query;
}
