import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';

/** Why a payment flagged for refund was flagged when its parcel went back (`flagSessionPaymentsForRefund`). */
export const RETURN_REFUND_REASON = 'parcel returned to sender';

interface MovementRequest {
  from: Date;
  to: Date;
  merchantId?: string;
}

/**
 * The money a merchant's sessions received in `[from, to)`: every succeeded payment (wallet parts, double
 * payments and money after expiry included: it was collected, and goes out again as a refund), one settlement
 * fact each, in the settlement facts' columns.
 */
export function receivedMoneyFacts(db: DbExecutor, request: MovementRequest) {
  let query = db
    .selectFrom('payments')
    .innerJoin('payment_sessions', 'payment_sessions.id', 'payments.session_id')
    .select([
      'payment_sessions.merchant_id',
      sql<Date>`payments.created_at`.as('at'),
      'payments.currency',
      sql<number>`0`.as('orders'),
      sql<number>`payments.amount_minor::bigint`.as('received_minor'),
      sql<number>`0::bigint`.as('refunded_minor'),
      sql<number>`0::bigint`.as('returned_minor'),
    ])
    .where('payments.status', '=', 'succeeded')
    .where('payments.created_at', '>=', request.from)
    .where('payments.created_at', '<', request.to);
  if (request.merchantId) query = query.where('payment_sessions.merchant_id', '=', request.merchantId);
  return query;
}

/**
 * The money given back in `[from, to)`: every refunded payment at the time of its refund, as a return when it
 * was refunded because the parcel went back to the sender, as a refund otherwise.
 */
export function refundedMoneyFacts(db: DbExecutor, request: MovementRequest) {
  const isReturn = sql<boolean>`payments.refund_reason is not distinct from ${RETURN_REFUND_REASON}`;
  let query = db
    .selectFrom('payments')
    .innerJoin('payment_sessions', 'payment_sessions.id', 'payments.session_id')
    .select([
      'payment_sessions.merchant_id',
      sql<Date>`payments.refunded_at`.as('at'),
      'payments.currency',
      sql<number>`0`.as('orders'),
      sql<number>`0::bigint`.as('received_minor'),
      sql<number>`case when ${isReturn} then 0 else payments.amount_minor end::bigint`.as('refunded_minor'),
      sql<number>`case when ${isReturn} then payments.amount_minor else 0 end::bigint`.as('returned_minor'),
    ])
    .where('payments.refunded_at', '>=', request.from)
    .where('payments.refunded_at', '<', request.to);
  if (request.merchantId) query = query.where('payment_sessions.merchant_id', '=', request.merchantId);
  return query;
}
