import { createHash, randomBytes } from 'node:crypto';
import { deriveKey } from '../../../platform/key-derivation';
import { openSecret, sealSecret } from '../../../platform/secret-box';

const TOKEN_BYTES = 24;

/** How a portal token is found: its SHA-256, so the table never holds a working token. */
export function returnTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

function tokenKey(rootKey: Buffer): Buffer {
  return deriveKey(rootKey, 'return-portal-token');
}

/** A new portal token, its hash and its sealed copy (to print the portal link again: label QR, e-mails). */
export function newReturnToken(rootKey: Buffer): { token: string; hash: string; sealed: string } {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: returnTokenHash(token), sealed: sealSecret(tokenKey(rootKey), token) };
}

export function openReturnToken(rootKey: Buffer, sealed: string): string {
  return openSecret(tokenKey(rootKey), sealed);
}

/** The return portal page of a token. */
export function returnPortalUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/returns/${token}`;
}

/** Where the portal links the return label once it is made (served by the labels side). */
export function returnLabelUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/api/returns/${token}/label`;
}

/** The portal link of a stored case (for the label's QR, e-mails), from its sealed token. */
export function portalUrlOfCase(publicUrl: string, rootKey: Buffer, tokenSealed: string): string {
  return returnPortalUrl(publicUrl, openReturnToken(rootKey, tokenSealed));
}
