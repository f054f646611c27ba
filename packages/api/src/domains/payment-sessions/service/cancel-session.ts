import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { lockSession, selectSessions } from '../repository';
import { recordSessionEvent } from './session-events';

/** Cancels the order's session that is still waiting for payment, if any, so its pay link stops working. */
export async function cancelPendingSession(
  trx: DbTransaction,
  orderId: string,
  actorUserId: string,
): Promise<void> {
  const pending = await selectSessions(trx)
    .where('payment_sessions.order_id', '=', orderId)
    .where('payment_sessions.status', '=', 'PENDING_PAYMENT')
    .executeTakeFirst();
  const session = pending ? await lockSession(trx, { id: pending.id }) : undefined;
  if (!session || session.status !== 'PENDING_PAYMENT') return;
  const cancelled = await trx
    .updateTable('payment_sessions')
    .set({ status: 'CANCELLED', updated_at: sql<Date>`now()` })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordSessionEvent(trx, cancelled, 'session.cancelled', { reason: 'order cancelled' }, actorUserId);
}
