import type { DbExecutor } from '@ipay/db';
import { consumerLockersForOrders } from '../../lockers/service/codes';
import type { ConsumerLocker } from '../../lockers/schemas';
import { holdsPayerProof } from '../payer-cookie';

const PAID_STATUSES = new Set(['PAID', 'RELEASED', 'DELIVERED']);

/**
 * The parcel's locker for the pay page, under the door code's rule: only once paid (the code hands the parcel
 * over) and only to the browser that paid, since the pay link itself may be printed on the parcel.
 */
export async function payPageLocker(
  db: DbExecutor,
  request: { token: string; cookieHeader: string | undefined; encryptionKey: Buffer },
): Promise<ConsumerLocker | null> {
  const session = await db
    .selectFrom('payment_sessions')
    .select(['order_id', 'status', 'payer_attempt_hash'])
    .where('pay_token', '=', request.token)
    .executeTakeFirst();
  if (!session || !PAID_STATUSES.has(session.status)) return null;
  if (!holdsPayerProof(session.payer_attempt_hash, request.cookieHeader)) return null;
  const lockers = await consumerLockersForOrders(db, {
    orderIds: [session.order_id],
    encryptionKey: request.encryptionKey,
  });
  return lockers.get(session.order_id) ?? null;
}
