import jwt from 'jsonwebtoken';
import type { JwtKey } from '../../config';
import { AppError } from '../../errors/app-error';

const ALGORITHM = 'HS256';
const ISSUER = 'ipay';
/** Staff tokens; consumer (magic-link) tokens use another audience so neither is accepted for the other. */
export const STAFF_AUDIENCE = 'ipay:staff';
export const ACCESS_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface Keyring {
  signingKey: JwtKey;
  keysById: Map<string, JwtKey>;
}

export function createKeyring(keys: JwtKey[]): Keyring {
  const [signingKey] = keys;
  if (!signingKey) throw new Error('at least one JWT key is required');
  return { signingKey, keysById: new Map(keys.map((key) => [key.kid, key])) };
}

export interface AccessTokenClaims {
  userId: string;
  organizationId: string;
}

export function signAccessToken(
  keyring: Keyring,
  claims: AccessTokenClaims,
): { token: string; expiresAt: Date } {
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = jwt.sign({ org: claims.organizationId, iat: issuedAt }, keyring.signingKey.secret, {
    algorithm: ALGORITHM,
    keyid: keyring.signingKey.kid,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    audience: STAFF_AUDIENCE,
    issuer: ISSUER,
    subject: claims.userId,
  });
  return { token, expiresAt: new Date((issuedAt + ACCESS_TOKEN_TTL_SECONDS) * 1000) };
}

/** Verifies signature (HS256 only, by `kid`), issuer, audience and expiry; any failure is a 401. */
export function verifyAccessToken(keyring: Keyring, token: string): AccessTokenClaims {
  const decoded = jwt.decode(token, { complete: true });
  const key = decoded?.header.kid ? keyring.keysById.get(decoded.header.kid) : undefined;
  if (!key)
    throw new AppError('unauthenticated', 'The access token is malformed or signed with an unknown key.');
  try {
    const payload = jwt.verify(token, key.secret, {
      algorithms: [ALGORITHM],
      audience: STAFF_AUDIENCE,
      issuer: ISSUER,
    });
    if (typeof payload === 'string' || !payload.sub || typeof payload.org !== 'string') {
      throw new AppError('unauthenticated', 'The access token does not carry a user.');
    }
    return { userId: payload.sub, organizationId: payload.org };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const expired = error instanceof jwt.TokenExpiredError;
    throw new AppError(
      'unauthenticated',
      expired ? 'The access token has expired; sign in again.' : 'The access token is invalid.',
    );
  }
}
