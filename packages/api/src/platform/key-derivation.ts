import { hkdfSync } from 'node:crypto';

/**
 * A key for one purpose only (HKDF-SHA256 from the platform's IPAY_ENCRYPTION_KEY), so no two features ever
 * use the same key material.
 */
export function deriveKey(rootKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), `ipay:${purpose}`, 32));
}
