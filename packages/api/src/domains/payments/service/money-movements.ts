import { sql, type RawBuilder } from 'kysely';
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
 * What a payment's whole refund sent back: the payment less the parts refunded before it (returns, which their
 * own domain counts); rows refunded before `refunded_minor` existed sent back the whole amount.
 */
const wholeRefundMinor = sql<number>`coalesce(payments.refunded_minor, payments.amount_minor)`;

/**
 * The money given back in `[from, to)`: every refunded payment at the time of its refund, by what its refund
 * sent back, as a return when it was refunded because the parcel went back to the sender, as a refund otherwise.
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
      sql<number>`case when ${isReturn} then 0 else ${wholeRefundMinor} end::bigint`.as('refunded_minor'),
      sql<number>`case when ${isReturn} then ${wholeRefundMinor} else 0 end::bigint`.as('returned_minor'),
    ])
    .where('payments.refunded_at', '>=', request.from)
    .where('payments.refunded_at', '<', request.to);
  if (request.merchantId) query = query.where('payment_sessions.merchant_id', '=', request.merchantId);
  return query;
}

/** An instant bound: a `Date`, or a SQL expression such as an Amsterdam midnight. */
type Instant = Date | RawBuilder<Date>;

export interface PspMoneyGroup {
  psp: string;
  currency: string;
  amount_minor: number;
  count: number;
}

/**
 * How a PSP money group reads `payments`: `collected` sums succeeded payments by when they were recorded (what
 * finance books as collected), `refunded` whole refunds by when they were made and by what they sent back
 * (parts refunded by returns are the returns domain's).
 */
const PSP_MOVEMENTS = {
  collected: { at: 'payments.created_at', succeededOnly: true, amount: sql<number>`payments.amount_minor` },
  refunded: { at: 'payments.refunded_at', succeededOnly: false, amount: wholeRefundMinor },
} as const;

/** One movement of `[from, to)`, summed per PSP and currency. */
export function pspMoney(
  db: DbExecutor,
  request: { movement: keyof typeof PSP_MOVEMENTS; from: Instant; to: Instant },
): Promise<PspMoneyGroup[]> {
  const { at, succeededOnly, amount } = PSP_MOVEMENTS[request.movement];
  let query = db.selectFrom('payments').where(at, '>=', request.from).where(at, '<', request.to);
  if (succeededOnly) query = query.where('payments.status', '=', 'succeeded');
  return query
    .groupBy(['payments.psp', 'payments.currency'])
    .select([
      'payments.psp',
      'payments.currency',
      sql<number>`sum(${amount})::int8`.as('amount_minor'),
      sql<number>`count(*)::int`.as('count'),
    ])
    .orderBy('payments.psp')
    .orderBy('payments.currency')
    .execute();
}

/**
 * What PSPs collected per PSP, Amsterdam day and currency in `[from, to)`, for sessions that are paid, released
 * or delivered (refunded and cancelled ones owe nothing). Wallet and simulated payments never reach a PSP.
 * A composable query (`psp`, `day` as YYYY-MM-DD text, `currency`, `amount_minor`), for readers that join it
 * in SQL, such as the daily controls.
 */
export function accruedByPspDayQuery(db: DbExecutor, request: { from: Instant; to: Instant }) {
  const day = sql<string>`(p.created_at at time zone 'Europe/Amsterdam')::date::text`;
  return db
    .selectFrom('payments as p')
    .innerJoin('payment_sessions as s', 's.id', 'p.session_id')
    .where('p.status', '=', 'succeeded')
    .where('p.psp', 'not in', ['wallet', 'simulate'])
    .where('s.status', 'in', ['PAID', 'RELEASED', 'DELIVERED'])
    .where('p.created_at', '>=', request.from)
    .where('p.created_at', '<', request.to)
    .groupBy(['p.psp', day, 'p.currency'])
    .select([
      'p.psp',
      day.as('day'),
      'p.currency',
      sql<number>`sum(p.amount_minor)::int8`.as('amount_minor'),
    ]);
}

/** `accruedByPspDayQuery`, read. */
export function accruedByPspDay(
  db: DbExecutor,
  request: { from: Instant; to: Instant },
): Promise<Array<{ psp: string; day: string; currency: string; amount_minor: number }>> {
  return accruedByPspDayQuery(db, request).execute();
}
