import type { DbExecutor, DbTransaction } from '@ipay/db';

/** Every payment received for one session, oldest first, as the session's detail shows them. */
export function listSessionPayments(db: DbExecutor, sessionId: string) {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .execute();
}

/** Flags the money a session received for refund, e.g. when its parcel goes back to the sender. */
export async function flagSessionPaymentsForRefund(
  trx: DbTransaction,
  request: { sessionId: string; reason: string },
): Promise<void> {
  await trx
    .updateTable('payments')
    .set({ needs_refund: true, refund_reason: request.reason })
    .where('session_id', '=', request.sessionId)
    .where('status', '=', 'succeeded')
    .execute();
}
