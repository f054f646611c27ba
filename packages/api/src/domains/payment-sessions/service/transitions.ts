import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { setOrderStatus } from '../../orders/service';
import { OTP_MAX_ATTEMPTS, otpMatches, sessionOtp } from '../otp';
import { isValidPaymentReference } from '../reference';
import { type SessionRow } from '../repository';
import type { PaymentProvider, Psp, SessionStatus } from '../schemas';
import { enqueueDoorCode } from './door-code';
import { actingPartnerFields, handledBy, type ActingPartner } from './handled-by';
import { recordSessionEvent } from './session-events';

/**
 * The session's state machine as the other pay-on-delivery domains drive it: payments (a PSP starts, pays or
 * refunds) and the driver (the door code). payment-sessions owns the row: callers lock it here, decide, and
 * move it only through these functions, each of which writes the row, the order status and the session event
 * in the caller's transaction.
 */
export { lockSession, type SessionRow } from '../repository';
export { isValidPaymentReference };

/** The session's status as committed, outside any lock (a read after the caller's own transaction). */
export async function sessionStatusOf(db: DbExecutor, sessionId: string): Promise<SessionStatus> {
  const row = await db
    .selectFrom('payment_sessions')
    .select('status')
    .where('id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return row.status;
}

/** A payment was started; from the pay page, with the new payer attempt of the browser that pressed Pay. */
export async function markPaymentStarted(
  trx: DbTransaction,
  session: SessionRow,
  start: { psp: Psp; checkoutId: string | null; payerAttemptHash?: string },
): Promise<void> {
  await trx
    .updateTable('payment_sessions')
    .set({
      psp: start.psp,
      psp_checkout_id: start.checkoutId,
      ...(start.payerAttemptHash ? { payer_attempt_hash: start.payerAttemptHash } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', session.id)
    .execute();
  await recordSessionEvent(trx, session, 'session.payment_started', {
    psp: start.psp,
    checkoutId: start.checkoutId,
  });
}

/** The session is paid: the order follows, and the door code is sent to the consumer by a job. */
export async function markSessionPaid(
  trx: DbTransaction,
  session: SessionRow,
  payment: {
    psp: PaymentProvider;
    pspPaymentId: string;
    amountMinor: number;
    currency: string;
    paymentMethod: string | null;
  },
): Promise<SessionRow> {
  const paid = await trx
    .updateTable('payment_sessions')
    .set({
      status: 'PAID',
      paid_at: sql<Date>`now()`,
      psp: payment.psp,
      payment_method: payment.paymentMethod,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await setOrderStatus(trx, session.order_id, 'PAID');
  await recordSessionEvent(trx, paid, 'session.paid', payment);
  await enqueueDoorCode(trx, paid.id);
  return paid;
}

/** The sale itself was refunded before release: the session is REFUNDED and its order cancelled. */
export async function markSaleRefunded(trx: DbTransaction, session: SessionRow): Promise<SessionRow> {
  await trx
    .updateTable('payment_sessions')
    .set({ status: 'REFUNDED', updated_at: sql<Date>`now()` })
    .where('id', '=', session.id)
    .execute();
  await setOrderStatus(trx, session.order_id, 'CANCELLED');
  return { ...session, status: 'REFUNDED' };
}

export type DoorCodeCheck =
  { kind: 'released'; session: SessionRow } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'locked' };

/**
 * The door code against a locked, paid session: the right code releases it; a wrong one is counted, and the
 * last allowed wrong one locks the session until an operator unlocks it. The caller commits a wrong count
 * before answering, so it survives the error. A carrier partner's user who acts is recorded on the events,
 * and on the session as the one who handled the parcel.
 */
export async function checkDoorCode(
  trx: DbTransaction,
  check: {
    session: SessionRow;
    rootKey: Buffer;
    otp: string;
    actor: { userId: string };
    partner: ActingPartner | null;
  },
): Promise<DoorCodeCheck> {
  const { session, actor, partner } = check;
  if (!otpMatches(sessionOtp(check.rootKey, session.id), check.otp)) {
    const attempts = session.otp_failed_attempts + 1;
    const locking = attempts >= OTP_MAX_ATTEMPTS;
    await trx
      .updateTable('payment_sessions')
      .set({
        otp_failed_attempts: attempts,
        otp_locked_at: locking ? sql<Date>`now()` : null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', session.id)
      .execute();
    await recordSessionEvent(
      trx,
      session,
      locking ? 'session.otp_locked' : 'session.otp_failed',
      { attempts, ...actingPartnerFields(partner) },
      actor.userId,
    );
    return locking ? { kind: 'locked' } : { kind: 'wrong', attemptsLeft: OTP_MAX_ATTEMPTS - attempts };
  }
  const released = await trx
    .updateTable('payment_sessions')
    .set({
      status: 'RELEASED',
      released_at: sql<Date>`now()`,
      ...(partner ? handledBy(actor, partner) : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await setOrderStatus(trx, session.order_id, 'RELEASED');
  await recordSessionEvent(trx, released, 'session.otp_verified', actingPartnerFields(partner), actor.userId);
  return { kind: 'released', session: released };
}

/** Reopens a locked session for door-code entry with a fresh attempt budget; a session not locked is left as is. */
export async function unlockDoorCode(
  trx: DbTransaction,
  session: SessionRow,
  actorUserId: string,
): Promise<void> {
  if (!session.otp_locked_at && session.otp_failed_attempts === 0) return;
  await trx
    .updateTable('payment_sessions')
    .set({ otp_locked_at: null, otp_failed_attempts: 0, updated_at: sql<Date>`now()` })
    .where('id', '=', session.id)
    .execute();
  await recordSessionEvent(trx, session, 'session.otp_unlocked', {}, actorUserId);
}
