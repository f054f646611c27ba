import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { DRIVER_ERRORS } from '../errors';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { actingPartner } from '../../partners/service';
import type { DataScope } from '../../rbac/catalogue';
import { setOrderStatus } from '../../orders/service';
import { OTP_MAX_ATTEMPTS, otpMatches, sessionOtp } from '../../payment-sessions/otp';
import { isValidPaymentReference } from '../../payment-sessions/reference';
import { lockSession } from '../../payment-sessions/repository';
import { actingPartnerFields, handledBy } from '../../payment-sessions/service/handled-by';
import { recordSessionEvent } from '../../payment-sessions/service/session-events';
import type { OtpVerified, VerifyOtpInput } from '../schemas';

type Verification =
  { kind: 'released'; result: OtpVerified } | { kind: 'wrong'; attemptsLeft: number } | { kind: 'locked' };

/**
 * The driver's check at the door. A wrong code is counted in its own committed transaction, so the count
 * survives the error answer; the fifth wrong code locks the session until an operator unlocks it. A driver
 * reaches only the sessions of their partner's carrier codes (the `carrier` scope): another carrier's
 * reference is a 404 worded exactly as for a reference that does not exist, and counts no attempt.
 */
export async function verifyOtp(
  db: Db,
  request: { actor: Actor; scope: DataScope; rootKey: Buffer; input: VerifyOtpInput },
): Promise<OtpVerified> {
  const { input } = request;
  if (!isValidPaymentReference(input.ipay_reference_18)) {
    throw AppError.validation(
      'ipay_reference_18',
      'is not a valid IPAY reference (check digits do not match)',
      'invalid_reference',
    );
  }
  const partner = await actingPartner(db, request.actor);
  const verification = await db.transaction().execute(async (trx): Promise<Verification> => {
    const session = await lockSession(
      trx,
      { reference: input.ipay_reference_18 },
      { scope: request.scope, actor: request.actor },
    );
    if (!session)
      throw new AppError('not_found', `No payment session has reference ${input.ipay_reference_18}.`);
    if (session.otp_locked_at) return { kind: 'locked' };
    if (session.status !== 'PAID') {
      throw domainError(
        DRIVER_ERRORS,
        'session_not_paid',
        `The session is ${session.status}; the OTP can only be verified on a paid session.`,
      );
    }
    if (!otpMatches(sessionOtp(request.rootKey, session.id), input.otp_4)) {
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
        request.actor.userId,
      );
      return locking ? { kind: 'locked' } : { kind: 'wrong', attemptsLeft: OTP_MAX_ATTEMPTS - attempts };
    }
    const released = await trx
      .updateTable('payment_sessions')
      .set({
        status: 'RELEASED',
        released_at: sql<Date>`now()`,
        ...(partner ? handledBy(request.actor, partner) : {}),
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', session.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await setOrderStatus(trx, session.order_id, 'RELEASED');
    await recordSessionEvent(
      trx,
      released,
      'session.otp_verified',
      actingPartnerFields(partner),
      request.actor.userId,
    );
    return {
      kind: 'released',
      result: {
        session_id: released.id,
        ipay_reference_18: released.reference,
        status: 'RELEASED',
        released_at: toTimestamp(released.released_at ?? new Date()),
      },
    };
  });

  if (verification.kind === 'locked') {
    throw domainError(
      DRIVER_ERRORS,
      'otp_locked',
      'Too many wrong codes: this session is locked until an operator unlocks it.',
    );
  }
  if (verification.kind === 'wrong') {
    throw domainError(
      DRIVER_ERRORS,
      'otp_wrong',
      `Wrong code; ${verification.attemptsLeft} attempt(s) left.`,
      {
        errors: [
          {
            field: 'otp_4',
            message: `is wrong; ${verification.attemptsLeft} attempt(s) left`,
            code: 'wrong_otp',
          },
        ],
      },
    );
  }
  return verification.result;
}

/** An operator reopens a locked session for OTP entry with a fresh attempt budget. */
export async function unlockOtp(db: Db, request: { actor: Actor; sessionId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const session = await lockSession(trx, { id: request.sessionId });
    if (!session) throw new AppError('not_found', `Payment session ${request.sessionId} does not exist.`);
    if (!session.otp_locked_at && session.otp_failed_attempts === 0) return;
    await trx
      .updateTable('payment_sessions')
      .set({ otp_locked_at: null, otp_failed_attempts: 0, updated_at: sql<Date>`now()` })
      .where('id', '=', session.id)
      .execute();
    await recordSessionEvent(trx, session, 'session.otp_unlocked', {}, request.actor.userId);
  });
}
