import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbExecutor } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { deriveKey } from '../../../platform/key-derivation';
import { consumeRateLimit } from '../../../platform/rate-limit';
import { openSecret, sealSecret } from '../../../platform/secret-box';
import { toTimestamp } from '../../../platform/time';
import type { SignedInConsumer } from '../../consumer/service';
import {
  findShareableSession,
  type ShareableSession,
} from '../../payment-sessions/service/shareable-session';
import { SHARE_PAYMENT_ERRORS } from '../errors';
import type { SharedPayment } from '../schemas';
import { paidByForSessions } from './paid-by';

/** Asking for links: per consumer, and per session (counted only once the session is known to be theirs). */
export const SHARE_LIMITS = {
  perConsumer: { limit: 30, windowSeconds: 3600 },
  perSession: { limit: 10, windowSeconds: 3600 },
} as const;

const CODE_BYTES = 12;

export interface ShareRequest {
  consumer: Pick<SignedInConsumer, 'id' | 'email'>;
  sessionId: string;
  publicUrl: string;
  rootKey: Buffer;
}

type ShareRow = { session_id: string; code_sealed: string; created_at: Date };

export function shareCodeHash(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

function codeKey(rootKey: Buffer): Buffer {
  return deriveKey(rootKey, 'share-payment-code');
}

export function shareUrl(publicUrl: string, code: string): string {
  return `${publicUrl}/s/${code}`;
}

/** Someone else's session and no session at all are one and the same 404: no one learns which ids exist. */
async function ownSession(db: DbExecutor, request: ShareRequest): Promise<ShareableSession> {
  const session = await findShareableSession(db, request.sessionId);
  if (!session || session.customerEmail.toLowerCase() !== request.consumer.email.toLowerCase()) {
    throw domainError(
      SHARE_PAYMENT_ERRORS,
      'shared_session_not_found',
      'No payment session of one of your parcels has this id.',
    );
  }
  return session;
}

function whyNotPayable(session: ShareableSession): string {
  if (session.paid) return `This session is ${session.status}: it has been paid already.`;
  if (session.status === 'PENDING_PAYMENT') return 'This session has expired: it can no longer be paid.';
  return `This session is ${session.status}: it can no longer be paid.`;
}

async function sharedPayment(
  db: DbExecutor,
  share: ShareRow,
  session: ShareableSession,
  request: ShareRequest,
): Promise<SharedPayment> {
  const paidBy = session.paid ? (await paidByForSessions(db, [session.id])).get(session.id) : undefined;
  return {
    session_id: share.session_id,
    share_url: shareUrl(request.publicUrl, openSecret(codeKey(request.rootKey), share.code_sealed)),
    status: session.payable ? 'active' : session.paid ? 'paid' : 'ended',
    expires_at: toTimestamp(session.expiresAt),
    paid_by: paidBy ?? null,
    created_at: toTimestamp(share.created_at),
  };
}

function findShare(db: DbExecutor, sessionId: string): Promise<ShareRow | undefined> {
  return db
    .selectFrom('payment_shares')
    .select(['session_id', 'code_sealed', 'created_at'])
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
}

/**
 * The share link of one of the consumer's sessions that can still be paid: made on the first ask, the same
 * link on every later one (one link per session; it ends with the session). The code is 12 random bytes; the
 * platform finds it by its SHA-256 and keeps it sealed only to hand the same link out again.
 */
export async function shareSessionPayment(db: Db, request: ShareRequest): Promise<SharedPayment> {
  const { perConsumer, perSession } = SHARE_LIMITS;
  await consumeRateLimit(db, { key: `share-payment:consumer:${request.consumer.id}`, ...perConsumer });
  const session = await ownSession(db, request);
  await consumeRateLimit(db, { key: `share-payment:session:${session.id}`, ...perSession });
  if (!session.payable) {
    throw domainError(SHARE_PAYMENT_ERRORS, 'session_not_shareable', whyNotPayable(session));
  }
  const code = randomBytes(CODE_BYTES).toString('base64url');
  // Two asks at once both insert; the unique session_id keeps the first, and both read it back.
  await db
    .insertInto('payment_shares')
    .values({
      session_id: session.id,
      consumer_id: request.consumer.id,
      code_hash: shareCodeHash(code),
      code_sealed: sealSecret(codeKey(request.rootKey), code),
    })
    .onConflict((oc) => oc.column('session_id').doNothing())
    .execute();
  const share = await findShare(db, session.id);
  if (!share) throw new Error(`the share of session ${session.id} vanished after its insert`);
  return sharedPayment(db, share, session, request);
}

/** The owner's view of their share link: whether it still works, and who paid through it. */
export async function getSharedPayment(db: DbExecutor, request: ShareRequest): Promise<SharedPayment> {
  const session = await ownSession(db, request);
  const share = await findShare(db, session.id);
  if (!share) {
    throw domainError(
      SHARE_PAYMENT_ERRORS,
      'share_link_not_found',
      'You have not shared this payment yet: POST to the same path to get a link.',
    );
  }
  return sharedPayment(db, share, session, request);
}
