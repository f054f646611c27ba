import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { JwtKey } from '../../config';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { AUTH_ERRORS } from './errors';

const ALGORITHM = 'HS256';
const ISSUER = 'ipay';
/**
 * The two kinds of JWT the platform signs, told apart by their audience: an organisation user's access token
 * (`ipay:staff`), issued by the e-mail login and by the iQpay sign-in alike (a sponsor user holds the same
 * permissions on both APIs), and a consumer's token (`ipay:consumer`), issued by a redeemed magic link. A token
 * is accepted only where its audience is exactly the one expected, so a consumer token opens no staff route and
 * a staff token no consumer route. Stream tickets are opaque random strings stored hashed, not JWTs.
 */
export const STAFF_AUDIENCE = 'ipay:staff';
export const ACCESS_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
export const CONSUMER_AUDIENCE = 'ipay:consumer';
export const CONSUMER_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
// Servers' clocks differ by a little: an `iat` this far ahead of ours is still accepted.
const CLOCK_TOLERANCE_SECONDS = 30;

export interface Keyring {
  signingKey: JwtKey;
  keysById: Map<string, JwtKey>;
}

export function createKeyring(keys: JwtKey[]): Keyring {
  const [signingKey] = keys;
  if (!signingKey) throw new Error('at least one JWT key is required');
  return { signingKey, keysById: new Map(keys.map((key) => [key.kid, key])) };
}

// Given a string, jsonwebtoken first tries it as a PEM key (which throws) and then builds a secret key from it, on
// every sign and verify: a tenth of an authenticated request's CPU. Built once per key instead.
const keyObjects = new WeakMap<JwtKey, KeyObject>();
function keyObjectOf(key: JwtKey): KeyObject {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = createSecretKey(Buffer.from(key.secret, 'utf8'));
    keyObjects.set(key, keyObject);
  }
  return keyObject;
}

export interface AccessTokenClaims {
  userId: string;
  organizationId: string;
}

/** A verified bearer token: who it speaks for and when it was issued (`iat`, whole seconds). */
export interface VerifiedAccessToken extends AccessTokenClaims {
  issuedAt: number;
}

/** Who a token is signed for, with the moment their earlier tokens stopped counting (sign-out everywhere). */
export interface TokenSubject extends AccessTokenClaims {
  tokensValidAfter?: Date | null;
}

/**
 * Sign-out everywhere, with `iat` in whole seconds. The cut-off is always a whole second strictly after the
 * moment of signing out and after any earlier cut-off of the user (`signOutCutoff`), and a token is refused when
 * `iat < cut-off`: every token issued before the sign-out, even in the same second, has
 * `iat <= max(floor(moment), earlier cut-off) < cut-off`. A token issued after it gets
 * `iat = max(now, cut-off)` (`signAccessToken`), so it counts even when issued within that same second; its
 * `iat` is then at most a second or so ahead, within the clock tolerance (sign-out everywhere is rate-limited,
 * so the cut-off cannot be pushed far ahead). Processes' clocks must agree to within a second (NTP), as they
 * already must for `exp`.
 */
export function signOutCutoff(earlier: Date | null, now: Date = new Date()): Date {
  const next = Math.floor(now.getTime() / 1000) + 1;
  const afterEarlier = earlier ? Math.ceil(earlier.getTime() / 1000) + 1 : 0;
  return new Date(Math.max(next, afterEarlier) * 1000);
}

/** Whether a token issued at `issuedAt` (seconds) was signed out by a cut-off (see `signOutCutoff`). */
export function issuedBeforeCutoff(issuedAt: number, cutoff: Date | null): boolean {
  return cutoff !== null && issuedAt * 1000 < cutoff.getTime();
}

export function signAccessToken(keyring: Keyring, subject: TokenSubject): { token: string; expiresAt: Date } {
  const claims: AccessTokenClaims = { userId: subject.userId, organizationId: subject.organizationId };
  const cutoffSeconds = subject.tokensValidAfter ? Math.ceil(subject.tokensValidAfter.getTime() / 1000) : 0;
  const issuedAt = Math.max(Math.floor(Date.now() / 1000), cutoffSeconds);
  const token = jwt.sign({ org: claims.organizationId, iat: issuedAt }, keyObjectOf(keyring.signingKey), {
    algorithm: ALGORITHM,
    keyid: keyring.signingKey.kid,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    audience: STAFF_AUDIENCE,
    issuer: ISSUER,
    subject: claims.userId,
  });
  return { token, expiresAt: new Date((issuedAt + ACCESS_TOKEN_TTL_SECONDS) * 1000) };
}

/** A consumer token: which consumer, and which of their sessions (`jti`, revocable on its own). */
export interface ConsumerTokenClaims {
  consumerId: string;
  sessionId: string;
}

export interface VerifiedConsumerToken extends ConsumerTokenClaims {
  issuedAt: number;
}

/** A consumer token for a session the caller stores (its id is the `jti`; the session expires with the token). */
export function signConsumerToken(
  keyring: Keyring,
  claims: ConsumerTokenClaims,
): { token: string; expiresAt: Date } {
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = jwt.sign({ iat: issuedAt }, keyObjectOf(keyring.signingKey), {
    algorithm: ALGORITHM,
    keyid: keyring.signingKey.kid,
    expiresIn: CONSUMER_TOKEN_TTL_SECONDS,
    audience: CONSUMER_AUDIENCE,
    issuer: ISSUER,
    subject: claims.consumerId,
    jwtid: claims.sessionId,
  });
  return { token, expiresAt: new Date((issuedAt + CONSUMER_TOKEN_TTL_SECONDS) * 1000) };
}

/**
 * The audience a bearer token claims, read without verifying it: only to choose which verification applies
 * (`verifyConsumerToken` or `verifyAccessToken`), each of which checks the signature and the audience itself.
 */
export function claimedAudience(token: string): unknown {
  try {
    return jwt.decode(token, { json: true })?.aud;
  } catch {
    // A payload that is not JSON: the verification that follows refuses it.
    return undefined;
  }
}

/** A consumer token on a staff route (tRPC procedure or plain route): refused like any other invalid token. */
export function consumerTokenRefused(): AppError {
  return domainError(
    AUTH_ERRORS,
    'invalid_token',
    "This endpoint takes a staff user's token; a consumer token is not accepted here.",
  );
}

interface Expected {
  audience: string;
  ttlSeconds: number;
}

const STAFF: Expected = { audience: STAFF_AUDIENCE, ttlSeconds: ACCESS_TOKEN_TTL_SECONDS };
const CONSUMER: Expected = { audience: CONSUMER_AUDIENCE, ttlSeconds: CONSUMER_TOKEN_TTL_SECONDS };

/**
 * What jsonwebtoken leaves optional and we do not: a token without `exp` would never expire, and one living
 * longer than the TTL after its `iat` was not issued by us, so both claims are required. An audience list
 * that holds ours among others is a token meant for someone else too, so the audience must be exactly ours.
 */
function refusedClaim(payload: jwt.JwtPayload, expected: Expected): string | undefined {
  const { exp, iat } = payload;
  if (typeof iat !== 'number' || iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) return 'iat';
  if (typeof exp !== 'number' || exp - iat > expected.ttlSeconds) return 'exp';
  if (payload.aud !== expected.audience) return 'aud';
  return undefined;
}

/**
 * Verifies signature (HS256 only, by `kid`), issuer, audience, `iat` and expiry (at most the TTL after `iat`);
 * any failure is a 401.
 */
export function verifyAccessToken(keyring: Keyring, token: string): VerifiedAccessToken {
  const payload = verifyJwt(keyring, token, STAFF);
  if (!payload.sub || typeof payload.org !== 'string') {
    throw domainError(AUTH_ERRORS, 'invalid_token', 'The access token does not carry a user.');
  }
  return { userId: payload.sub, organizationId: payload.org, issuedAt: payload.iat as number };
}

/** `verifyAccessToken` for consumer tokens: their own audience and TTL, and a session id (`jti`). */
export function verifyConsumerToken(keyring: Keyring, token: string): VerifiedConsumerToken {
  const payload = verifyJwt(keyring, token, CONSUMER);
  if (!payload.sub || typeof payload.jti !== 'string') {
    throw domainError(AUTH_ERRORS, 'invalid_token', 'The access token does not carry a consumer session.');
  }
  return { consumerId: payload.sub, sessionId: payload.jti, issuedAt: payload.iat as number };
}

function verifyJwt(keyring: Keyring, token: string, expected: Expected): jwt.JwtPayload {
  const decoded = jwt.decode(token, { complete: true });
  const key = decoded?.header.kid ? keyring.keysById.get(decoded.header.kid) : undefined;
  if (!key)
    throw domainError(
      AUTH_ERRORS,
      'invalid_token',
      'The access token is malformed or signed with an unknown key.',
    );
  try {
    const payload = jwt.verify(token, keyObjectOf(key), {
      algorithms: [ALGORITHM],
      audience: expected.audience,
      issuer: ISSUER,
    });
    if (typeof payload === 'string')
      throw domainError(AUTH_ERRORS, 'invalid_token', 'The access token is invalid.');
    const refused = refusedClaim(payload, expected);
    if (refused)
      throw domainError(AUTH_ERRORS, 'invalid_token', `The access token has no valid ${refused} claim.`);
    return payload;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const expired = error instanceof jwt.TokenExpiredError;
    throw domainError(
      AUTH_ERRORS,
      'invalid_token',
      expired ? 'The access token has expired; sign in again.' : 'The access token is invalid.',
    );
  }
}
