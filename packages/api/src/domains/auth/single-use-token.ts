import { createHash, randomBytes } from 'node:crypto';

/**
 * A token mailed in a link (invitation, password reset): 32 random bytes, base64url (43 characters). Only its
 * SHA-256 is stored, so a copy of the database opens no account; 256 random bits need no slow hash.
 */
export function newSingleUseToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSingleUseToken(token) };
}

export function hashSingleUseToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
