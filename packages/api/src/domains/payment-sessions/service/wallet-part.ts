import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { lockSession, type SessionRow } from '../repository';
import { expireIfOverdue } from './expire-sessions';

/**
 * The part of a session its consumer pays from their IPAY wallet, as payment-sessions keeps it: the wallet
 * domain holds the money on its ledger and records the hold here, and a PSP charges only what is left.
 */
export function amountDueMinor(session: Pick<SessionRow, 'amount_minor' | 'wallet_held_minor'>): number {
  return session.amount_minor - session.wallet_held_minor;
}

/**
 * The session, locked and expired on the spot when overdue, if its order carries `email` (compared
 * case-insensitively); anyone else's session is a 404, exactly like one that does not exist.
 */
export async function lockConsumerSession(
  trx: DbTransaction,
  request: { id: string; email: string },
): Promise<SessionRow> {
  const owned = await trx
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .select('payment_sessions.id')
    .where('payment_sessions.id', '=', request.id)
    .where(sql<string>`lower(orders.customer_email)`, '=', request.email.toLowerCase())
    .executeTakeFirst();
  const locked = owned ? await lockSession(trx, { id: owned.id }) : undefined;
  if (!locked) throw new AppError('not_found', `Payment session ${request.id} does not exist.`);
  return expireIfOverdue(trx, locked);
}

/** Records the wallet hold that pays part of a locked, pending session; the PSP then charges the rest. */
export async function setWalletPart(
  trx: DbTransaction,
  session: SessionRow,
  part: { transferId: string; amountMinor: number },
): Promise<SessionRow> {
  return trx
    .updateTable('payment_sessions')
    .set({
      wallet_held_minor: part.amountMinor,
      wallet_transfer_id: part.transferId,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The consumer took the wallet part back (its hold is voided): the whole amount is due again. */
export async function clearWalletPart(trx: DbTransaction, session: SessionRow): Promise<SessionRow> {
  return trx
    .updateTable('payment_sessions')
    .set({ wallet_held_minor: 0, wallet_transfer_id: null, updated_at: sql<Date>`now()` })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
