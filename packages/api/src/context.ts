import type { IncomingHttpHeaders } from 'node:http';
import type { Db, DbPool } from '@ipay/db';
import type { BaseLogger, Logger } from 'pino';
import type { Config } from './config';
import type { ActorCache } from './domains/auth/actor-cache';
import type { Keyring, VerifiedAccessToken, VerifiedConsumerToken } from './domains/auth/tokens';
import {
  CONSUMER_AUDIENCE,
  claimedAudience,
  verifyAccessToken,
  verifyConsumerToken,
} from './domains/auth/tokens';
import type { PdfRenderer } from './platform/pdf';
import { AppError } from './errors/app-error';

export type RequestLogger = Pick<BaseLogger, 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>;

/** What a process builds once at start-up and every request shares. */
export interface AppDeps {
  config: Config;
  db: Db;
  /** The pool behind `db`, for the one thing Kysely cannot do: LISTEN (the live event stream's hub). */
  pool: DbPool;
  keyring: Keyring;
  /** AES-256-GCM key for secrets at rest (webhook signing secrets, stored idempotent responses). */
  encryptionKey: Buffer;
  logger: Logger;
  /** Who each signed-in user is, held for a few seconds (the per-request lookup), with its invalidation. */
  actors: ActorCache;
  /** The process's one Chromium for PDFs (`platform/pdf`), started by the first render. */
  pdf: PdfRenderer;
}

/**
 * The bearer token, verified for the audience it claims: `valid` is a staff user's token, `consumer` a consumer's
 * (magic link). Staff procedures accept only `valid`, consumer procedures only `consumer` (`trpc/procedures.ts`).
 */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'valid'; claims: VerifiedAccessToken }
  | { kind: 'consumer'; claims: VerifiedConsumerToken }
  | { kind: 'invalid'; error: AppError };

export interface RequestContext extends Omit<AppDeps, 'logger' | 'pool'> {
  /** The request's logger: every line carries its traceId. */
  logger: RequestLogger;
  traceId: string;
  ip: string;
  headers: IncomingHttpHeaders;
  credentials: Credentials;
}

export interface RequestInfo {
  traceId: string;
  ip: string;
  headers: IncomingHttpHeaders;
  logger: RequestLogger;
}

function readCredentials(keyring: Keyring, authorization: string | undefined): Credentials {
  if (!authorization) return { kind: 'none' };
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match?.[1]) {
    return {
      kind: 'invalid',
      error: new AppError('unauthenticated', 'Send the token as "Authorization: Bearer <token>".'),
    };
  }
  try {
    const token = match[1];
    if (claimedAudience(token) === CONSUMER_AUDIENCE)
      return { kind: 'consumer', claims: verifyConsumerToken(keyring, token) };
    return { kind: 'valid', claims: verifyAccessToken(keyring, token) };
  } catch (error) {
    if (error instanceof AppError) return { kind: 'invalid', error };
    throw error;
  }
}

export function createRequestContext(deps: AppDeps, request: RequestInfo): RequestContext {
  return {
    ...deps,
    logger: request.logger,
    traceId: request.traceId,
    ip: request.ip,
    headers: request.headers,
    credentials: readCredentials(deps.keyring, request.headers.authorization),
  };
}
