import type { DbTransaction } from '@ipay/db';
import type { PaymentProvider } from '../../payment-sessions/schemas';
import { expireIfOverdue } from '../../payment-sessions/service/expire-sessions';
import { recordSessionEvent } from '../../payment-sessions/service/session-events';
import { lockSession, markSessionPaid, type SessionRow } from '../../payment-sessions/service/transitions';
import { amountDueMinor } from '../../payment-sessions/service/wallet-part';

/** What a PSP (or the simulator) tells us about one payment, already verified and normalised. */
export interface PaymentNotice {
  psp: PaymentProvider;
  /** The PSP's id for this notification; the same id twice is processed once. */
  eventId: string;
  eventType: string;
  reference: string;
  pspPaymentId: string;
  outcome: 'succeeded' | 'failed';
  amountMinor: number;
  currency: string;
  paymentMethod?: string | null;
  failureReason?: string | null;
}

export type PaymentOutcome =
  'duplicate' | 'unknown_session' | 'paid' | 'failed' | 'needs_refund' | 'already_recorded';

async function insertPayment(
  trx: DbTransaction,
  session: SessionRow,
  notice: PaymentNotice,
  refundReason: string | null,
): Promise<boolean> {
  const row = await trx
    .insertInto('payments')
    .values({
      session_id: session.id,
      psp: notice.psp,
      psp_payment_id: notice.pspPaymentId,
      status: notice.outcome,
      amount_minor: notice.amountMinor,
      currency: notice.currency.toUpperCase(),
      payment_method: notice.paymentMethod ?? null,
      failure_reason: notice.failureReason ?? null,
      needs_refund: refundReason !== null,
      refund_reason: refundReason,
    })
    .onConflict((oc) => oc.columns(['psp', 'psp_payment_id', 'status']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The part of the session the consumer's wallet holds is a payment of its own (provider `wallet`, the ledger
 * transfer as its id), recorded with the PSP's: a refund then gives each part back the way it came. The wallet
 * domain posts its hold when it sees `session.paid`.
 */
async function recordWalletPart(trx: DbTransaction, session: SessionRow): Promise<void> {
  if (session.wallet_held_minor === 0 || !session.wallet_transfer_id) return;
  await trx
    .insertInto('payments')
    .values({
      session_id: session.id,
      psp: 'wallet',
      psp_payment_id: session.wallet_transfer_id,
      status: 'succeeded',
      amount_minor: session.wallet_held_minor,
      currency: session.currency,
      payment_method: 'wallet',
    })
    .onConflict((oc) => oc.columns(['psp', 'psp_payment_id', 'status']).doNothing())
    .execute();
}

function refundReasonFor(session: SessionRow, notice: PaymentNotice): string | null {
  // A part held in the consumer's wallet is not charged: the PSP must bring exactly the rest.
  const due = amountDueMinor(session);
  if (notice.amountMinor !== due || notice.currency.toUpperCase() !== session.currency) {
    return `paid ${notice.amountMinor} ${notice.currency.toUpperCase()} for a session of ${due} ${session.currency} due`;
  }
  if (session.status === 'PENDING_PAYMENT') return null;
  if (['PAID', 'RELEASED', 'DELIVERED'].includes(session.status)) return 'the session was already paid';
  return `the session was ${session.status.toLowerCase()} when the payment arrived`;
}

/**
 * The one way a payment reaches a session, for every PSP webhook and the simulator. Duplicates and late or
 * out-of-order notices never move a session backwards; money that arrives where it cannot be used (expired,
 * cancelled, already paid, wrong amount) is recorded and flagged for refund, never lost.
 */
export async function recordPayment(trx: DbTransaction, notice: PaymentNotice): Promise<PaymentOutcome> {
  // Deduplicated per PSP, not per merchant: every Stripe and MultiSafepay event is for IPAY's own account,
  // whose event ids are unique across it, unlike shop pushes (deduplicated per connection).
  const fresh = await trx
    .insertInto('psp_webhook_events')
    .values({ psp: notice.psp, event_id: notice.eventId, event_type: notice.eventType })
    .onConflict((oc) => oc.columns(['psp', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  if (!fresh) return 'duplicate';

  const locked = await lockSession(trx, { reference: notice.reference });
  if (!locked) return 'unknown_session';
  const session = await expireIfOverdue(trx, locked);
  const details = {
    psp: notice.psp,
    pspPaymentId: notice.pspPaymentId,
    amountMinor: notice.amountMinor,
    currency: notice.currency.toUpperCase(),
  };

  if (notice.outcome === 'failed') {
    const inserted = await insertPayment(trx, session, notice, null);
    if (inserted && session.status === 'PENDING_PAYMENT') {
      await recordSessionEvent(trx, session, 'session.payment_failed', {
        ...details,
        reason: notice.failureReason ?? null,
      });
    }
    return inserted ? 'failed' : 'already_recorded';
  }

  const refundReason = refundReasonFor(session, notice);
  if (!(await insertPayment(trx, session, notice, refundReason))) return 'already_recorded';
  if (refundReason) {
    await recordSessionEvent(trx, session, 'session.payment_needs_refund', {
      ...details,
      reason: refundReason,
    });
    return 'needs_refund';
  }

  await recordWalletPart(trx, session);
  await markSessionPaid(trx, session, { ...details, paymentMethod: notice.paymentMethod ?? null });
  return 'paid';
}
