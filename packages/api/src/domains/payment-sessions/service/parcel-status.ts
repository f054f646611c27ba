import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_SESSION_ERRORS } from '../errors';
import type { Actor } from '../../auth/service';
import { setOrderStatus } from '../../orders/service';
import type { DataScope } from '../../rbac/catalogue';
import { actingPartner } from '../../partners/service';
import { lockSession, sessionRowToSession } from '../repository';
import { actingPartnerFields, handledBy } from './handled-by';
import type { ParcelStatus, ParcelStatusInput, PaymentSession } from '../schemas';
import { RETURN_REFUND_REASON } from '../../payments/service/money-movements';
import { flagSessionPaymentsForRefund } from '../../payments/service/session-payments';
import { recordSessionEvent } from './session-events';

/** Where a parcel may go next; anything else is a 409 that changes nothing. */
const NEXT_PARCEL_STATUSES: Record<ParcelStatus | 'NONE', ParcelStatus[]> = {
  NONE: ['PICKED_UP'],
  PICKED_UP: ['IN_DELIVERY', 'RETURNED_TO_SENDER'],
  IN_DELIVERY: ['DELIVERED', 'DELIVERY_FAILED'],
  DELIVERY_FAILED: ['IN_DELIVERY', 'RETURNED_TO_SENDER'],
  DELIVERED: [],
  RETURNED_TO_SENDER: [],
};

/**
 * Advances the parcel. Delivery completes a released session (OTP verified at the door); a parcel sent back
 * after payment leaves its payment flagged for refund. Repeating the current status is a harmless no-op.
 * Drivers reach only their partner's carriers' parcels (the `carrier` scope): another carrier's parcel is a
 * 404 worded as for a session that does not exist. A partner user's move is kept on the session as who
 * handled the parcel, and its events name the partner.
 */
export async function updateParcelStatus(
  trx: DbTransaction,
  request: { actor: Actor; scope: DataScope; input: ParcelStatusInput; publicUrl: string },
): Promise<PaymentSession> {
  const { actor, scope, input } = request;
  const session = await lockSession(trx, { id: input.id }, { scope, actor });
  if (!session) throw new AppError('not_found', `Payment session ${input.id} does not exist.`);
  if (session.parcel_status === input.status) return sessionRowToSession(session, request.publicUrl);

  const from: ParcelStatus | 'NONE' = session.parcel_status ?? 'NONE';
  if (!NEXT_PARCEL_STATUSES[from].includes(input.status)) {
    const allowed = NEXT_PARCEL_STATUSES[from].join(', ') || 'nothing (final)';
    throw domainError(
      PAYMENT_SESSION_ERRORS,
      'illegal_parcel_transition',
      `A parcel that is ${from} can move to ${allowed}, not ${input.status}.`,
    );
  }
  if (input.status === 'DELIVERED' && session.status !== 'RELEASED') {
    throw domainError(
      PAYMENT_SESSION_ERRORS,
      'otp_not_verified',
      `The session is ${session.status}: the driver must verify the consumer's OTP before delivery.`,
    );
  }

  const delivered = input.status === 'DELIVERED';
  const partner = await actingPartner(trx, actor);
  const updated = await trx
    .updateTable('payment_sessions')
    .set({
      parcel_status: input.status,
      parcel_status_reason: input.reason ?? null,
      ...(delivered ? { status: 'DELIVERED', delivered_at: sql<Date>`now()` } : {}),
      ...(partner ? handledBy(actor, partner) : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();

  if (delivered) await setOrderStatus(trx, session.order_id, 'DELIVERED');
  if (input.status === 'RETURNED_TO_SENDER') {
    await setOrderStatus(trx, session.order_id, 'RETURNED');
    await flagSessionPaymentsForRefund(trx, { sessionId: session.id, reason: RETURN_REFUND_REASON });
  }
  const change = {
    parcelStatus: input.status,
    previousParcelStatus: session.parcel_status,
    reason: input.reason ?? null,
    ...actingPartnerFields(partner),
  };
  await recordSessionEvent(trx, updated, 'parcel.status_changed', change, actor.userId);
  if (delivered) await recordSessionEvent(trx, updated, 'parcel.delivered', change, actor.userId);
  return sessionRowToSession(updated, request.publicUrl);
}
