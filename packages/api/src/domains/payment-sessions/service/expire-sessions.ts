import { sql } from 'kysely';
import type { Db, DbTransaction } from '@ipay/db';
import { setOrderStatus } from '../../orders/service';
import { lockSession, type SessionRow } from '../repository';
import { recordSessionEvent } from './session-events';

/** A locked pending session past its expiry becomes EXPIRED (and its order payable again with a new session). */
export async function expireIfOverdue(trx: DbTransaction, session: SessionRow): Promise<SessionRow> {
  if (session.status !== 'PENDING_PAYMENT' || session.expires_at > new Date()) return session;
  const expired: SessionRow = { ...session, status: 'EXPIRED', updated_at: new Date() };
  await trx
    .updateTable('payment_sessions')
    .set({ status: 'EXPIRED', updated_at: sql<Date>`now()` })
    .where('id', '=', session.id)
    .execute();
  await setOrderStatus(trx, session.order_id, 'OPEN');
  await recordSessionEvent(trx, expired, 'session.expired', { expiresAt: session.expires_at.toISOString() });
  return expired;
}

/** The periodic sweep: expires every overdue pending session, each in its own short transaction. */
export async function expireOverdueSessions(db: Db, limit = 500): Promise<number> {
  const overdue = await db
    .selectFrom('payment_sessions')
    .select('id')
    .where('status', '=', 'PENDING_PAYMENT')
    .where('expires_at', '<=', sql<Date>`now()`)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  let expired = 0;
  for (const { id } of overdue) {
    await db.transaction().execute(async (trx) => {
      const session = await lockSession(trx, { id });
      if (
        session &&
        (await expireIfOverdue(trx, session)).status === 'EXPIRED' &&
        session.status !== 'EXPIRED'
      )
        expired++;
    });
  }
  return expired;
}
