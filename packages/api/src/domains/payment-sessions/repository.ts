import type { DbExecutor, DbTransaction } from '@ipay/db';
import { scopeFilter, type ScopedActor } from '../../platform/data-scope';
import { toTimestamp } from '../../platform/time';
import type { DataScope } from '../rbac/catalogue';
import type { PaymentSession } from './schemas';

const sessionColumns = [
  'payment_sessions.id',
  'payment_sessions.order_id',
  'payment_sessions.merchant_id',
  'payment_sessions.reference',
  'payment_sessions.pay_token',
  'payment_sessions.status',
  'payment_sessions.parcel_status',
  'payment_sessions.parcel_status_reason',
  'payment_sessions.amount_minor',
  'payment_sessions.currency',
  'payment_sessions.country',
  'payment_sessions.carrier_code',
  'payment_sessions.psp',
  'payment_sessions.payment_method',
  'payment_sessions.psp_checkout_id',
  'payment_sessions.otp_failed_attempts',
  'payment_sessions.otp_locked_at',
  'payment_sessions.payer_attempt_hash',
  'payment_sessions.wallet_held_minor',
  'payment_sessions.wallet_transfer_id',
  'payment_sessions.expires_at',
  'payment_sessions.paid_at',
  'payment_sessions.released_at',
  'payment_sessions.delivered_at',
  'payment_sessions.created_at',
  'payment_sessions.updated_at',
] as const;

export function selectSessions(db: DbExecutor) {
  return db.selectFrom('payment_sessions').select(sessionColumns);
}
export type SessionRow = Awaited<ReturnType<ReturnType<typeof selectSessions>['executeTakeFirstOrThrow']>>;

/** Who may see a session: the merchant's own (`payment_sessions.merchant_id`), a carrier's by its code. */
export function sessionScope(scope: DataScope, actor: ScopedActor) {
  return scopeFilter(scope, actor, {
    organization: 'payment_sessions.merchant_id',
    carrier: 'payment_sessions.carrier_code',
  });
}

/**
 * Locks the session row for the rest of the transaction: every state change goes through here. With
 * `visibleTo`, a session outside the caller's data scope is not found, exactly like one that does not exist.
 */
export function lockSession(
  trx: DbTransaction,
  where: { id: string } | { reference: string } | { payToken: string },
  visibleTo?: { scope: DataScope; actor: ScopedActor },
) {
  let query = selectSessions(trx);
  if (visibleTo) query = query.where(sessionScope(visibleTo.scope, visibleTo.actor));
  if ('id' in where) query = query.where('payment_sessions.id', '=', where.id);
  else if ('reference' in where) query = query.where('payment_sessions.reference', '=', where.reference);
  else query = query.where('payment_sessions.pay_token', '=', where.payToken);
  return query.forUpdate().executeTakeFirst();
}

export function payUrl(publicUrl: string, payToken: string): string {
  return `${publicUrl}/pay/${payToken}`;
}

export function sessionRowToSession(row: SessionRow, publicUrl: string): PaymentSession {
  return {
    id: row.id,
    order_id: row.order_id,
    merchant_id: row.merchant_id,
    ipay_reference_18: row.reference,
    status: row.status,
    parcel_status: row.parcel_status,
    parcel_status_reason: row.parcel_status_reason,
    amount_minor: row.amount_minor,
    currency: row.currency,
    country: row.country,
    carrier_code: row.carrier_code,
    psp: row.psp,
    payment_method: row.payment_method,
    pay_url: payUrl(publicUrl, row.pay_token),
    otp_locked: row.otp_locked_at !== null,
    expires_at: toTimestamp(row.expires_at),
    paid_at: row.paid_at ? toTimestamp(row.paid_at) : null,
    released_at: row.released_at ? toTimestamp(row.released_at) : null,
    delivered_at: row.delivered_at ? toTimestamp(row.delivered_at) : null,
    created_at: toTimestamp(row.created_at),
    updated_at: toTimestamp(row.updated_at),
  };
}
