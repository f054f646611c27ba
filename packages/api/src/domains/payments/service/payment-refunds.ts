import { sql } from 'kysely';
import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import type { Config } from '../../../config';
import { domainError } from '../../../errors/domain-codes';
import { PAYMENT_ERRORS } from '../errors';
import { MultiSafepayClient } from '../multisafepay';
import { createStripeClient, refundPaymentIntent } from '../stripe';

export interface RefundablePayment {
  id: string;
  psp: string;
  psp_payment_id: string;
  amount_minor: number;
  currency: string;
}

/** A refund recorded before the PSP is called (`payment_refunds`): its amount is spoken for from then on. */
export interface RefundIntent {
  id: string;
  idempotencyKey: string;
  amountMinor: number;
  pspRefundId: string | null;
  /** Recorded by an earlier run: its PSP call may have been made, without its answer being stored. */
  retried: boolean;
}

/**
 * The refund id of a wallet payment: the wallet domain gives the money back to the wallet, as a new ledger
 * transfer with this external id, when it sees the refund event (`session.refunded` or
 * `session.payment_refunded` with provider `wallet`).
 */
export function walletRefundId(paymentId: string): string {
  return `wallet-refund:${paymentId}`;
}

/** The idempotency key of a payment's whole refund (all that is left of it). */
export function wholeRefundKey(paymentId: string): string {
  return `whole-${paymentId}`;
}

/** How much a reservation asks for: an exact part, at most a part, or all that is left of the payment. */
type RefundAmount = number | { upTo: number } | 'rest';

/**
 * Records a refund of `amountMinor` (or, with 'rest', all that is left) of a payment before any PSP is called,
 * under a lock on the payment, so what is left is the payment minus every earlier refund of it, parts (returns)
 * and whole alike. The same key again returns its first record, whatever is left now. Returns undefined for
 * 'rest' when nothing is left; a part larger than what is left is a 409 naming both amounts.
 */
export async function reserveRefund(
  db: Db,
  payment: RefundablePayment,
  request: { amountMinor: number; idempotencyKey: string },
): Promise<RefundIntent>;
export async function reserveRefund(
  db: Db,
  payment: RefundablePayment,
  request: { amountMinor: 'rest'; idempotencyKey: string },
): Promise<RefundIntent | undefined>;
export async function reserveRefund(
  db: Db,
  payment: RefundablePayment,
  request: { amountMinor: number | 'rest'; idempotencyKey: string },
): Promise<RefundIntent | undefined> {
  return db.transaction().execute((trx) => reserveRefundIn(trx, payment, request));
}

/**
 * `reserveRefund` in the caller's transaction; `{ upTo }` takes what is left when that is less (undefined when
 * nothing is), and `givenBackAs: 'wallet_credit'` records a part given back outside the PSP, complete at once.
 */
async function reserveRefundIn(
  trx: DbTransaction,
  payment: RefundablePayment,
  request: { amountMinor: RefundAmount; idempotencyKey: string; givenBackAs?: 'psp' | 'wallet_credit' },
): Promise<RefundIntent | undefined> {
  const locked = await trx
    .selectFrom('payments')
    .select(['amount_minor', 'refunded_at'])
    .where('id', '=', payment.id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const existing = await trx
    .selectFrom('payment_refunds')
    .select(['id', 'idempotency_key', 'amount_minor', 'psp_refund_id'])
    .where('idempotency_key', '=', request.idempotencyKey)
    .executeTakeFirst();
  if (existing) return intentOf(existing, true);
  const { refunded } = await trx
    .selectFrom('payment_refunds')
    .select(sql<number>`coalesce(sum(amount_minor), 0)::int`.as('refunded'))
    .where('payment_id', '=', payment.id)
    .executeTakeFirstOrThrow();
  // A payment refunded whole before refunds were recorded here has nothing left.
  const left = locked.refunded_at ? 0 : locked.amount_minor - refunded;
  const asked = request.amountMinor;
  if (typeof asked === 'number' && asked > left) {
    throw domainError(
      PAYMENT_ERRORS,
      'refund_exceeds_payment',
      `A refund of ${asked} ${payment.currency} (minor units) is more than the ${left} left of payment ${payment.id}: ${locked.amount_minor - left} of its ${locked.amount_minor} was already refunded.`,
      { errors: [{ field: 'amountMinor', message: `at most ${left}` }] },
    );
  }
  const amountMinor =
    asked === 'rest' ? left : typeof asked === 'number' ? asked : Math.min(asked.upTo, left);
  if (amountMinor <= 0) return undefined;
  const givenBackAs = request.givenBackAs ?? 'psp';
  const row = await trx
    .insertInto('payment_refunds')
    .values({
      payment_id: payment.id,
      idempotency_key: request.idempotencyKey,
      amount_minor: amountMinor,
      currency: payment.currency,
      given_back_as: givenBackAs,
      completed_at: givenBackAs === 'wallet_credit' ? sql<Date>`now()` : null,
    })
    .returning(['id', 'idempotency_key', 'amount_minor', 'psp_refund_id'])
    .executeTakeFirstOrThrow();
  return intentOf(row, false);
}

/**
 * Speaks for the part of a session's sale a return gives back, in the return's transaction, before the PSP is
 * called or the wallet credited: at most what is left of the payment, so a whole refund of the session before
 * it leaves the return nothing to give, and one after it gives back only the rest. The PSP part is sent later
 * under the same key (`refundPaymentPart`); a wallet credit is recorded as given back. Returns the amount the
 * return may give back; a session without a recorded sale payment has nothing to speak for and keeps `upTo`.
 */
export async function reserveReturnPart(
  trx: DbTransaction,
  request: { sessionId: string; upTo: number; idempotencyKey: string; givenBackAs: 'psp' | 'wallet_credit' },
): Promise<number> {
  const sale = await findSalePayment(trx, request.sessionId);
  if (!sale) return request.upTo;
  const intent = await reserveRefundIn(trx, sale, {
    amountMinor: { upTo: request.upTo },
    idempotencyKey: request.idempotencyKey,
    givenBackAs: request.givenBackAs,
  });
  return intent?.amountMinor ?? 0;
}

/** A session's sale: the payment that took its money (not one flagged for refund), a PSP's before the wallet's. */
export interface SalePayment extends RefundablePayment {
  reference: string;
}

/** The sale of a session, the one payment returns and partial refunds give back from; undefined when none. */
export async function findSalePayment(db: DbExecutor, sessionId: string): Promise<SalePayment | undefined> {
  return db
    .selectFrom('payments')
    .innerJoin('payment_sessions', 'payment_sessions.id', 'payments.session_id')
    .select([
      'payments.id',
      'payments.psp',
      'payments.psp_payment_id',
      'payments.amount_minor',
      'payments.currency',
      'payment_sessions.reference',
    ])
    .where('payments.session_id', '=', sessionId)
    .where('payments.status', '=', 'succeeded')
    .where('payments.needs_refund', '=', false)
    .orderBy(sql`payments.psp = 'wallet'`)
    .orderBy('payments.created_at')
    .executeTakeFirst();
}

function intentOf(
  row: { id: string; idempotency_key: string; amount_minor: number; psp_refund_id: string | null },
  retried: boolean,
): RefundIntent {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    amountMinor: row.amount_minor,
    pspRefundId: row.psp_refund_id,
    retried,
  };
}

/**
 * Sends a recorded refund to the PSP once and returns the PSP's refund id. The intent's row stays locked while
 * the PSP is called, so a concurrent run waits and then finds the id; a run after a crash between the PSP's
 * answer and the commit repeats the call as a retry (Stripe: the same idempotency key; MultiSafepay: first
 * looks for the refund among the order's transactions).
 */
export async function sendRefund(
  db: Db,
  config: Config,
  request: { payment: RefundablePayment; reference: string; intent: RefundIntent },
): Promise<string> {
  if (request.intent.pspRefundId) return request.intent.pspRefundId;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('payment_refunds')
      .select('psp_refund_id')
      .where('id', '=', request.intent.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (row.psp_refund_id) return row.psp_refund_id;
    const refundId = await refundAtPsp(config, request);
    await trx
      .updateTable('payment_refunds')
      .set({ psp_refund_id: refundId, completed_at: sql<Date>`now()` })
      .where('id', '=', request.intent.id)
      .execute();
    return refundId;
  });
}

/** The one PSP call of a refund intent; a wallet payment is given back by the wallet domain (`walletRefundId`). */
async function refundAtPsp(
  config: Config,
  { payment, reference, intent }: { payment: RefundablePayment; reference: string; intent: RefundIntent },
): Promise<string> {
  if (payment.psp === 'simulate') return `sim_refund_${intent.idempotencyKey}`;
  if (payment.psp === 'wallet') return walletRefundId(payment.id);
  if (payment.psp === 'stripe' && config.payments.stripe) {
    return refundPaymentIntent(
      createStripeClient(config.payments.stripe),
      payment.psp_payment_id,
      payment.id,
      {
        amountMinor: intent.amountMinor,
        idempotencyKey: intent.idempotencyKey,
      },
    );
  }
  if (payment.psp === 'multisafepay' && config.payments.multisafepay) {
    const client = new MultiSafepayClient(config.payments.multisafepay);
    const description = `IPAY refund ${reference} ${intent.idempotencyKey}`;
    // MultiSafepay takes no idempotency key: a retry first looks for the refund this intent may have made.
    const earlier = intent.retried ? await client.findRefund(reference, description) : undefined;
    return (
      earlier ??
      client.refundOrder(reference, {
        amountMinor: intent.amountMinor,
        currency: payment.currency,
        description,
      })
    );
  }
  throw domainError(
    PAYMENT_ERRORS,
    'psp_not_configured',
    `Payments through ${payment.psp} cannot be refunded here: it is not configured.`,
  );
}
