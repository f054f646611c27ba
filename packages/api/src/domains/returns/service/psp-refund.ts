import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import type { Config } from '../../../config';
import { refundPaymentPart } from '../../payments/service/refund';
import { returnRefundKey } from './refunds';
import { transitionReturn } from './transitions';

/**
 * Sends a case's pending PSP refund (the `returns.refund` job). The PSP call runs outside a transaction with
 * an idempotency key per case, so a retry after a crash is the same refund at the PSP; the refund row moves
 * to DONE once, and that transaction moves the case to REFUNDED. Returns whether this call completed it.
 */
export async function refundReturnAtPsp(db: Db, config: Config, returnId: string): Promise<boolean> {
  const pending = await db
    .selectFrom('return_refunds')
    .innerJoin('return_cases', 'return_cases.id', 'return_refunds.return_id')
    .select(['return_refunds.amount_minor', 'return_refunds.status', 'return_cases.session_id'])
    .where('return_refunds.return_id', '=', returnId)
    .executeTakeFirst();
  if (!pending || pending.status === 'DONE') return false;
  const sent = await refundPaymentPart(db, config, {
    sessionId: pending.session_id,
    amountMinor: pending.amount_minor,
    idempotencyKey: returnRefundKey(returnId),
  });
  return db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('return_refunds')
      .set({
        status: 'DONE',
        payment_id: sent.paymentId,
        psp: sent.psp,
        psp_refund_id: sent.refundId,
        completed_at: sql<Date>`now()`,
      })
      .where('return_id', '=', returnId)
      .where('status', '=', 'PENDING')
      .returning('return_id')
      .executeTakeFirst();
    if (!done) return false;
    await transitionReturn(trx, { returnId, to: 'REFUNDED', occurredAt: new Date(), source: 'system' });
    return true;
  });
}
