import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import type { SessionStatus } from '../schemas';

/** What another domain may know of a session to let its consumer share the payment. */
export interface ShareableSession {
  id: string;
  /** The order's address as the merchant typed it: compare case-insensitively. */
  customerEmail: string;
  status: SessionStatus;
  /** Waiting for payment and not past its expiry (an overdue session may not be marked EXPIRED yet). */
  payable: boolean;
  /** Paid at some point: PAID, RELEASED, DELIVERED, or REFUNDED since. */
  paid: boolean;
  expiresAt: Date;
  payToken: string;
}

/** The session with this id and its order's address, or undefined when there is none. */
export async function findShareableSession(
  db: DbExecutor,
  sessionId: string,
): Promise<ShareableSession | undefined> {
  const row = await db
    .selectFrom('payment_sessions')
    .innerJoin('orders', 'orders.id', 'payment_sessions.order_id')
    .select([
      'payment_sessions.id',
      'payment_sessions.status',
      'payment_sessions.expires_at',
      'payment_sessions.pay_token',
      'orders.customer_email',
      sql<boolean>`payment_sessions.status = 'PENDING_PAYMENT' and payment_sessions.expires_at > now()`.as(
        'payable',
      ),
      sql<boolean>`payment_sessions.paid_at is not null`.as('paid'),
    ])
    .where('payment_sessions.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    customerEmail: row.customer_email,
    status: row.status,
    payable: row.payable,
    paid: row.paid,
    expiresAt: row.expires_at,
    payToken: row.pay_token,
  };
}

/**
 * For the paid sessions among these, the payer attempt they were paid after: the hash of the last press of Pay
 * on a pay page (or a page that starts payments the same way) before the payment.
 */
export async function paidSessionAttempts(
  db: DbExecutor,
  sessionIds: readonly string[],
): Promise<Map<string, string>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('payment_sessions')
    .select(['id', 'payer_attempt_hash'])
    .where('id', 'in', sessionIds)
    .where('paid_at', 'is not', null)
    .where('payer_attempt_hash', 'is not', null)
    .execute();
  return new Map(rows.flatMap((row) => (row.payer_attempt_hash ? [[row.id, row.payer_attempt_hash]] : [])));
}
