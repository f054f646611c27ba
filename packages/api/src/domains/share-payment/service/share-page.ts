import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbExecutor } from '@ipay/db';
import type { Config } from '../../../config';
import {
  findShareableSession,
  type ShareableSession,
} from '../../payment-sessions/service/shareable-session';
import type { Psp } from '../../payment-sessions/schemas';
import { startPayment } from '../../payments/service/start-payment';
import { shareCodeHash } from './share-link';

export interface OpenedShare {
  shareId: string;
  session: ShareableSession;
}

/** The share behind a code from `/s/<code>`, with its session as it is now; undefined for a code never issued. */
export async function openShareLink(db: DbExecutor, code: string): Promise<OpenedShare | undefined> {
  const share = await db
    .selectFrom('payment_shares')
    .select(['id', 'session_id'])
    .where('code_hash', '=', shareCodeHash(code))
    .executeTakeFirst();
  if (!share) return undefined;
  const session = await findShareableSession(db, share.session_id);
  return session ? { shareId: share.id, session } : undefined;
}

/**
 * The share page's Pay: records a payer attempt of the share (with the name the payer gave, if any), then starts
 * the payment as the pay page does with that attempt, so a payment that follows is known to come through the
 * link. The payer gets no payer cookie: the attempt's secret is thrown away, so the door code is never shown in
 * the payer's browser; it goes to the parcel's owner by message, as always.
 */
export async function payThroughShare(
  db: Db,
  config: Config,
  request: { share: OpenedShare; psp: Psp; payerName: string | null },
): Promise<{ redirectUrl: string | null }> {
  const attemptHash = createHash('sha256').update(randomBytes(32)).digest('base64url');
  await db
    .insertInto('payment_share_attempts')
    .values({ share_id: request.share.shareId, attempt_hash: attemptHash, payer_name: request.payerName })
    .execute();
  const started = await startPayment(
    db,
    config,
    { token: request.share.session.payToken, psp: request.psp },
    { attemptHash },
  );
  return { redirectUrl: started.redirect_url };
}
