import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { DRIVER_ERRORS } from '../errors';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import { actingPartner } from '../../partners/service';
import type { DataScope } from '../../rbac/catalogue';
import {
  checkDoorCode,
  isValidPaymentReference,
  lockSession,
  unlockDoorCode,
  type DoorCodeCheck,
} from '../../payment-sessions/service/transitions';
import type { OtpVerified, VerifyOtpInput } from '../schemas';

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
  const verification = await db.transaction().execute(async (trx): Promise<DoorCodeCheck> => {
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
    return checkDoorCode(trx, {
      session,
      rootKey: request.rootKey,
      otp: input.otp_4,
      actor: request.actor,
      partner,
    });
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
  const released = verification.session;
  return {
    session_id: released.id,
    ipay_reference_18: released.reference,
    status: 'RELEASED',
    released_at: toTimestamp(released.released_at ?? new Date()),
  };
}

/** An operator reopens a locked session for OTP entry with a fresh attempt budget. */
export async function unlockOtp(db: Db, request: { actor: Actor; sessionId: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const session = await lockSession(trx, { id: request.sessionId });
    if (!session) throw new AppError('not_found', `Payment session ${request.sessionId} does not exist.`);
    await unlockDoorCode(trx, session, request.actor.userId);
  });
}
