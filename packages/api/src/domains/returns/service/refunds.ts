import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { enqueueJob } from '../../../jobs/enqueue';
import { findReturnableSession } from '../../payment-sessions/service/returnable-session';
import { reserveReturnPart } from '../../payments/service/payment-refunds';
import { creditWallet } from '../../wallet/service/movements';
import type { ReturnSettings } from '../schemas';
import { findReturnItems, itemsValue, type ReturnCaseRow } from './load-case';

/** The key a case's refund is recorded and sent under at the PSP: one refund per case, however often it runs. */
export function returnRefundKey(returnId: string): string {
  return `return-${returnId}`;
}

/** The ledger's `created_by` of the credits returns post. */
const LEDGER_ACTOR = 'returns';

interface RefundAmounts {
  amountMinor: number;
  shippingMinor: number;
  bonusMinor: number;
}

/**
 * What the case refunds: its items' value, plus the order's shipping (per the merchant, once per order),
 * never more than the session took minus what its other returns refunded (a discounted order refunds at most
 * what was paid), nor more than is left of the payment (a whole refund of the session gave it back already):
 * that part of the payment is spoken for here, in the case's transaction. The bonus is a percentage of it, for
 * wallet credit only.
 */
async function refundAmounts(
  trx: DbTransaction,
  row: ReturnCaseRow,
  settings: ReturnSettings,
  session: { amountMinor: number; shippingMinor: number },
  viaWallet: boolean,
): Promise<RefundAmounts> {
  const items = itemsValue(await findReturnItems(trx, row.id));
  const others = await trx
    .selectFrom('return_refunds')
    .innerJoin('return_cases', 'return_cases.id', 'return_refunds.return_id')
    .select([
      sql<number>`coalesce(sum(return_refunds.amount_minor), 0)::int`.as('refunded'),
      sql<number>`coalesce(sum(return_refunds.shipping_minor), 0)::int`.as('shipping'),
    ])
    .where('return_cases.session_id', '=', row.session_id)
    .where('return_refunds.return_id', '<>', row.id)
    .executeTakeFirstOrThrow();
  const shipping = settings.refundShipping && others.shipping === 0 ? session.shippingMinor : 0;
  const owed = Math.max(0, Math.min(items + shipping, session.amountMinor - others.refunded));
  const amountMinor =
    owed === 0
      ? 0
      : await reserveReturnPart(trx, {
          sessionId: row.session_id,
          upTo: owed,
          idempotencyKey: returnRefundKey(row.id),
          givenBackAs: viaWallet ? 'wallet_credit' : 'psp',
        });
  const bonusMinor =
    row.refund_method === 'WALLET_CREDIT' ? Math.floor((amountMinor * settings.walletBonusPercent) / 100) : 0;
  return { amountMinor, shippingMinor: Math.min(shipping, amountMinor), bonusMinor };
}

async function creditToWallet(trx: DbTransaction, row: ReturnCaseRow, amounts: RefundAmounts): Promise<void> {
  const credit = (
    amountMinor: number,
    source: 'refunds_payable' | 'promotions',
    key: string,
    reason: string,
  ) =>
    creditWallet(trx, {
      input: { email: row.refund_email, amountMinor, currency: row.currency, reason },
      source,
      idempotencyKey: `${key}:${row.id}`,
      createdBy: LEDGER_ACTOR,
    });
  const refund =
    amounts.amountMinor > 0
      ? await credit(
          amounts.amountMinor,
          'refunds_payable',
          'return-refund',
          `Return ${row.merchant_reference}`,
        )
      : null;
  // A separate ledger line, so the merchant-funded part can be charged to the merchant and reported apart.
  const bonus =
    amounts.bonusMinor > 0
      ? await credit(
          amounts.bonusMinor,
          'promotions',
          'return-bonus',
          `Return bonus ${row.merchant_reference}`,
        )
      : null;
  await trx
    .updateTable('return_refunds')
    .set({
      status: 'DONE',
      psp: 'wallet',
      wallet_transfer_id: refund?.id ?? null,
      bonus_transfer_id: bonus?.id ?? null,
      completed_at: sql<Date>`now()`,
    })
    .where('return_id', '=', row.id)
    .execute();
}

/**
 * Starts the one refund of a received case, in the caller's transaction: a second call (a repeated scan, a
 * retried job, the merchant confirming twice) finds the case's refund row and does nothing. A wallet credit
 * (or a wallet-paid session) is posted at once ('DONE'); a PSP refund is left to the `returns.refund` job,
 * because the PSP call must not run inside a transaction ('PENDING').
 */
export async function startReturnRefund(
  trx: DbTransaction,
  row: ReturnCaseRow,
  settings: ReturnSettings,
): Promise<'DONE' | 'PENDING'> {
  // Returns of one session are refunded one at a time, so the cap and the shipping-once rule hold.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`return-refund:${row.session_id}`}, 0))`.execute(
    trx,
  );
  const existing = await trx
    .selectFrom('return_refunds')
    .select('status')
    .where('return_id', '=', row.id)
    .executeTakeFirst();
  if (existing) return existing.status;
  const session = await findReturnableSession(trx, { sessionId: row.session_id });
  if (!session) throw new Error(`return case ${row.id} lost its payment session ${row.session_id}`);
  const viaWallet = row.refund_method === 'WALLET_CREDIT' || session.psp === 'wallet';
  const amounts = await refundAmounts(trx, row, settings, session, viaWallet);
  await trx
    .insertInto('return_refunds')
    .values({
      return_id: row.id,
      method: viaWallet ? 'WALLET_CREDIT' : 'ORIGINAL_PAYMENT',
      amount_minor: amounts.amountMinor,
      shipping_minor: amounts.shippingMinor,
      bonus_minor: amounts.bonusMinor,
      currency: row.currency,
    })
    .execute();
  if (viaWallet) {
    await creditToWallet(trx, row, amounts);
    return 'DONE';
  }
  if (amounts.amountMinor === 0) {
    await trx
      .updateTable('return_refunds')
      .set({ status: 'DONE', completed_at: sql<Date>`now()` })
      .where('return_id', '=', row.id)
      .execute();
    return 'DONE';
  }
  await enqueueJob(trx, 'returns.refund', { returnId: row.id }, { jobKey: `returns.refund:${row.id}` });
  return 'PENDING';
}
