import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import type { Config } from '../../../config';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_ERRORS } from '../errors';
import type { Actor } from '../../auth/service';
import { findSessionInScope } from '../../payment-sessions/service/queries';
import { lockSession, markSaleRefunded } from '../../payment-sessions/service/transitions';
import { recordSessionEvent } from '../../payment-sessions/service/session-events';
import type { DataScope } from '../../rbac/catalogue';
import { findSalePayment, reserveRefund, sendRefund, wholeRefundKey } from './payment-refunds';

/**
 * Refunds what a session may give back: the payments flagged for refund (double payments, money after expiry,
 * parcels returned to sender) when there are any; otherwise, while the parcel is not yet released, the sale
 * itself, which moves the session to REFUNDED. Each payment gives back only what earlier refunds of it (returns'
 * parts) left, and each refund is recorded as soon as the PSP confirms it, so a retry refunds only what is left.
 */
export async function refundSession(
  db: Db,
  config: Config,
  request: { actor: Actor; scope: DataScope; sessionId: string; reason: string | undefined },
): Promise<void> {
  const session = await findSessionInScope(db, { ...request, id: request.sessionId });
  const unrefunded = await db
    .selectFrom('payments')
    .select(['id', 'psp', 'psp_payment_id', 'amount_minor', 'currency', 'needs_refund'])
    .where('session_id', '=', session.id)
    .where('status', '=', 'succeeded')
    .where('refunded_at', 'is', null)
    .orderBy('created_at')
    .execute();
  const flagged = unrefunded.filter((payment) => payment.needs_refund);
  const refundable = flagged.length ? flagged : session.status === 'PAID' ? unrefunded : [];
  let refunded = 0;
  for (const payment of refundable) {
    const intent = await reserveRefund(db, payment, {
      amountMinor: 'rest',
      idempotencyKey: wholeRefundKey(payment.id),
    });
    if (!intent) continue;
    const refundId = await sendRefund(db, config, { payment, reference: session.reference, intent });
    refunded += 1;
    await db.transaction().execute(async (trx) => {
      const locked = await lockSession(trx, { id: session.id });
      if (!locked) return;
      await trx
        .updateTable('payments')
        .set({
          refunded_at: sql<Date>`now()`,
          psp_refund_id: refundId,
          refund_reason: request.reason ?? null,
          refunded_minor: intent.amountMinor,
        })
        .where('id', '=', payment.id)
        .where('refunded_at', 'is', null)
        .execute();
      const refundsTheSale = !payment.needs_refund && locked.status === 'PAID';
      const after = refundsTheSale ? await markSaleRefunded(trx, locked) : locked;
      await recordSessionEvent(
        trx,
        after,
        refundsTheSale ? 'session.refunded' : 'session.payment_refunded',
        {
          paymentId: payment.id,
          psp: payment.psp,
          refundId,
          amountMinor: intent.amountMinor,
          currency: payment.currency,
          reason: request.reason ?? null,
        },
        request.actor.userId,
      );
    });
  }
  if (!refunded) {
    throw domainError(
      PAYMENT_ERRORS,
      'nothing_to_refund',
      refundable.length
        ? `Nothing to refund: every payment of the session was already refunded in parts (returns).`
        : `Nothing to refund: the session is ${session.status} and holds no payment flagged for refund.`,
    );
  }
}

/** What a partial refund sent back, and through which payment. */
export interface PartialRefund {
  paymentId: string;
  psp: string;
  refundId: string;
}

/**
 * Sends part of a session's sale back through the PSP that took it (a returned item of a delivered parcel),
 * without marking the payment refunded: more parts may follow, up to what is left of the payment (a part above
 * it is a 409 naming the amounts). `idempotencyKey` makes a repeated call the same one refund: recorded once
 * (`payment_refunds`), sent to the PSP once.
 */
export async function refundPaymentPart(
  db: Db,
  config: Config,
  request: { sessionId: string; amountMinor: number; idempotencyKey: string },
): Promise<PartialRefund> {
  const sale = await findSalePayment(db, request.sessionId);
  if (!sale || sale.psp === 'wallet') {
    throw domainError(
      PAYMENT_ERRORS,
      'nothing_to_refund',
      sale
        ? `Session ${request.sessionId} was paid from the wallet: its parts go back as wallet credit, not through a PSP.`
        : `Session ${request.sessionId} holds no PSP payment to refund ${request.amountMinor} of.`,
    );
  }
  const intent = await reserveRefund(db, sale, request);
  const refundId = await sendRefund(db, config, { payment: sale, reference: sale.reference, intent });
  return { paymentId: sale.id, psp: sale.psp, refundId };
}
