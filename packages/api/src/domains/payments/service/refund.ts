import { randomUUID } from 'node:crypto';
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
import { MultiSafepayClient } from '../multisafepay';
import { createStripeClient, refundPaymentIntent } from '../stripe';

interface RefundablePayment {
  id: string;
  psp: string;
  psp_payment_id: string;
  amount_minor: number;
  currency: string;
  needs_refund: boolean;
}

/**
 * The refund id of a wallet payment: the wallet domain gives the money back to the wallet, as a new ledger
 * transfer with this external id, when it sees the refund event (`session.refunded` or
 * `session.payment_refunded` with provider `wallet`).
 */
export function walletRefundId(paymentId: string): string {
  return `wallet-refund:${paymentId}`;
}

/** A part of a payment to send back, once per idempotency key. */
interface RefundPart {
  amountMinor: number;
  idempotencyKey: string;
}

/**
 * Sends the money back through the PSP that took it, all of it or `part`; returns the PSP's refund id. A part
 * of a wallet payment is not refunded here: the wallet's refund event gives back the whole payment.
 */
async function refundAtPsp(
  config: Config,
  payment: RefundablePayment,
  reference: string,
  part?: RefundPart,
): Promise<string> {
  if (payment.psp === 'simulate') return `sim_refund_${part?.idempotencyKey ?? randomUUID()}`;
  if (payment.psp === 'wallet' && !part) return walletRefundId(payment.id);
  if (payment.psp === 'stripe' && config.payments.stripe) {
    return refundPaymentIntent(
      createStripeClient(config.payments.stripe),
      payment.psp_payment_id,
      payment.id,
      part,
    );
  }
  if (payment.psp === 'multisafepay' && config.payments.multisafepay) {
    return new MultiSafepayClient(config.payments.multisafepay).refundOrder(reference, {
      amountMinor: part?.amountMinor ?? payment.amount_minor,
      currency: payment.currency,
      description: `IPAY refund ${reference}`,
    });
  }
  throw domainError(
    PAYMENT_ERRORS,
    'psp_not_configured',
    `Payments through ${payment.psp} cannot be refunded here: it is not configured.`,
  );
}

/**
 * Refunds what a session may give back: the payments flagged for refund (double payments, money after expiry,
 * parcels returned to sender) when there are any; otherwise, while the parcel is not yet released, the sale
 * itself, which moves the session to REFUNDED. Each refund is recorded as soon as the PSP confirms it, so a
 * retry refunds only what is left.
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
  if (!refundable.length) {
    throw domainError(
      PAYMENT_ERRORS,
      'nothing_to_refund',
      `Nothing to refund: the session is ${session.status} and holds no payment flagged for refund.`,
    );
  }

  for (const payment of refundable) {
    const refundId = await refundAtPsp(config, payment, session.reference);
    await db.transaction().execute(async (trx) => {
      const locked = await lockSession(trx, { id: session.id });
      if (!locked) return;
      await trx
        .updateTable('payments')
        .set({
          refunded_at: sql<Date>`now()`,
          psp_refund_id: refundId,
          refund_reason: request.reason ?? null,
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
          amountMinor: payment.amount_minor,
          currency: payment.currency,
          reason: request.reason ?? null,
        },
        request.actor.userId,
      );
    });
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
 * without marking the payment refunded: more parts may follow, up to the payment's amount. The caller keeps
 * the record of what it refunded; `idempotencyKey` makes a retried call one refund at Stripe.
 */
export async function refundPaymentPart(
  db: Db,
  config: Config,
  request: { sessionId: string; amountMinor: number; idempotencyKey: string },
): Promise<PartialRefund> {
  const sale = await db
    .selectFrom('payments')
    .innerJoin('payment_sessions', 'payment_sessions.id', 'payments.session_id')
    .select([
      'payments.id',
      'payments.psp',
      'payments.psp_payment_id',
      'payments.amount_minor',
      'payments.currency',
      'payments.needs_refund',
      'payment_sessions.reference',
    ])
    .where('payments.session_id', '=', request.sessionId)
    .where('payments.status', '=', 'succeeded')
    .where('payments.needs_refund', '=', false)
    .where('payments.refunded_at', 'is', null)
    .orderBy('payments.created_at')
    .executeTakeFirst();
  if (!sale || sale.psp === 'wallet' || request.amountMinor > sale.amount_minor) {
    throw domainError(
      PAYMENT_ERRORS,
      'nothing_to_refund',
      `Session ${request.sessionId} holds no PSP payment of at least ${request.amountMinor} to refund part of.`,
    );
  }
  const { amountMinor, idempotencyKey } = request;
  const refundId = await refundAtPsp(config, sale, sale.reference, { amountMinor, idempotencyKey });
  return { paymentId: sale.id, psp: sale.psp, refundId };
}
