import type { DbExecutor } from '@ipay/db';
import { paidSessionAttempts } from '../../payment-sessions/service/shareable-session';
import type { PaidBy } from '../schemas';

export const UNNAMED_PAYER = 'someone you shared the link with';

export function paidByOf(payerName: string | null): PaidBy {
  return { name: payerName, label: payerName ?? UNNAMED_PAYER };
}

/**
 * Who paid each of these sessions, for those paid through a share link. A session keeps the payer attempt of
 * the last press of Pay before it was paid; a share page's Pay records its attempt here too, so the two match
 * exactly when the payment followed a press of Pay on the share page. Sessions paid otherwise are left out.
 */
export async function paidByForSessions(
  db: DbExecutor,
  sessionIds: readonly string[],
): Promise<Map<string, PaidBy>> {
  const attempts = await paidSessionAttempts(db, sessionIds);
  if (attempts.size === 0) return new Map();
  const rows = await db
    .selectFrom('payment_share_attempts')
    .innerJoin('payment_shares', 'payment_shares.id', 'payment_share_attempts.share_id')
    .select([
      'payment_shares.session_id',
      'payment_share_attempts.attempt_hash',
      'payment_share_attempts.payer_name',
    ])
    .where('payment_share_attempts.attempt_hash', 'in', [...attempts.values()])
    .execute();
  return new Map(
    rows
      .filter((row) => attempts.get(row.session_id) === row.attempt_hash)
      .map((row) => [row.session_id, paidByOf(row.payer_name)]),
  );
}
