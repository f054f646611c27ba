import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { toTimestamp } from '../../../platform/time';
import { signConsumerToken, type Keyring, type VerifiedConsumerToken } from '../../auth/service';
import { domainError } from '../../../errors/domain-codes';
import { CONSUMER_ERRORS } from '../errors';
import type { Consumer, ConsumerSession, ConsumerSignedOut } from '../schemas';

/**
 * Who a consumer procedure runs for (`ctx.consumer`): the consumer's id and verified address, and the session
 * (the token's `jti`) the request came with, which `signOutConsumer` ends.
 */
export interface SignedInConsumer {
  id: string;
  email: string;
  sessionId: string;
}

type ConsumerRow = {
  id: string;
  email: string;
  language: 'en' | 'nl' | null;
  phone: string | null;
  phone_verified_at: Date | null;
  verified_at: Date;
  created_at: Date;
};

export function consumerRowToConsumer(row: ConsumerRow): Consumer {
  return {
    id: row.id,
    email: row.email,
    language: row.language,
    phone: row.phone,
    phone_verified_at: row.phone_verified_at ? toTimestamp(row.phone_verified_at) : null,
    verified_at: toTimestamp(row.verified_at),
    created_at: toTimestamp(row.created_at),
  };
}

/** A new session for the consumer and its token; the session row expires with the token. */
export async function startConsumerSession(
  trx: DbTransaction,
  request: { keyring: Keyring; consumer: ConsumerRow },
): Promise<ConsumerSession> {
  const sessionId = randomUUID();
  const { token, expiresAt } = signConsumerToken(request.keyring, {
    consumerId: request.consumer.id,
    sessionId,
  });
  await trx
    .insertInto('consumer_sessions')
    .values({ id: sessionId, consumer_id: request.consumer.id, expires_at: expiresAt })
    .execute();
  return { token, expires_at: toTimestamp(expiresAt), consumer: consumerRowToConsumer(request.consumer) };
}

/**
 * The consumer a verified token speaks for, while its session is neither signed out nor expired: one indexed
 * query per request, so a sign-out counts on every process from the next request on (no cache to wait for).
 */
export async function consumerForToken(
  db: DbExecutor,
  claims: VerifiedConsumerToken,
): Promise<SignedInConsumer> {
  const row = await db
    .selectFrom('consumer_sessions')
    .innerJoin('consumers', 'consumers.id', 'consumer_sessions.consumer_id')
    .select(['consumers.id', 'consumers.email', 'consumer_sessions.id as session_id'])
    .where('consumer_sessions.id', '=', claims.sessionId)
    .where('consumer_sessions.consumer_id', '=', claims.consumerId)
    .where('consumer_sessions.revoked_at', 'is', null)
    .where('consumer_sessions.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) {
    throw domainError(
      CONSUMER_ERRORS,
      'consumer_session_ended',
      'This consumer session was signed out or has ended; sign in with a new link.',
    );
  }
  return { id: row.id, email: row.email, sessionId: row.session_id };
}

/** Ends the session the request came with; the consumer's other sessions (other devices) stay signed in. */
export async function signOutConsumer(
  db: DbExecutor,
  consumer: SignedInConsumer,
): Promise<ConsumerSignedOut> {
  await db
    .updateTable('consumer_sessions')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', consumer.sessionId)
    .where('revoked_at', 'is', null)
    .execute();
  return { signed_out: true };
}

export async function getConsumer(db: DbExecutor, consumerId: string): Promise<Consumer> {
  const row = await db
    .selectFrom('consumers')
    .selectAll()
    .where('id', '=', consumerId)
    .executeTakeFirstOrThrow();
  return consumerRowToConsumer(row);
}

/**
 * Deletes what can no longer sign anyone in: links past their expiry (used or not) and sessions that ended
 * (expired or signed out). A token naming a deleted session is refused as one that ended, so nothing changes for
 * whoever still holds it; run hourly by `maintenance.purge-expired`.
 */
export async function purgeEndedSignIns(db: DbExecutor): Promise<{ links: number; sessions: number }> {
  const links = await db
    .deleteFrom('consumer_magic_links')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  const sessions = await db
    .deleteFrom('consumer_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now()`), eb('revoked_at', 'is not', null)]))
    .executeTakeFirst();
  return { links: Number(links.numDeletedRows), sessions: Number(sessions.numDeletedRows) };
}
