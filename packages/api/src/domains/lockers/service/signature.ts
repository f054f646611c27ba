import { createHmac } from 'node:crypto';
import { headerValue, sameBytes, type WebhookHeaders } from '../../integrations/service/webhook-verifiers';

export const SIGNATURE_HEADER = 'x-ipay-signature';
/** How far a call's `t` may be from now, either way (seconds). */
export const SIGNATURE_WINDOW_S = 300;

export interface ParsedSignature {
  timestamp: number;
  /** Each `v1` given, as bytes (a carrier may send one per active secret while it rotates). */
  signatures: Buffer[];
  /** The header as sent, for replay detection. */
  raw: string;
}

/** `t=<unix>,v1=<hex>[,v1=<hex>…]`; undefined when anything is missing or malformed. Unknown keys are ignored. */
export function parseSignatureHeader(headers: WebhookHeaders): ParsedSignature | undefined {
  const raw = headerValue(headers, SIGNATURE_HEADER)?.trim();
  if (!raw || raw.length > 1024) return undefined;
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of raw.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length || value === undefined) return undefined;
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Hex compares case-insensitively; Buffer.from(…, 'hex') would stop silently at the first bad digit.
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures, raw };
}

export function signLockerBody(secret: string, timestamp: number, raw: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest();
}

/** The header a carrier sends for `raw` (tests and the docs' walk-through build it the same way). */
export function lockerSignatureHeader(
  secret: string,
  raw: Buffer | string,
  timestamp = nowSeconds(),
): string {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  return `t=${timestamp},v1=${signLockerBody(secret, timestamp, bytes).toString('hex')}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function withinWindow(signature: ParsedSignature, now = nowSeconds()): boolean {
  return Math.abs(now - signature.timestamp) <= SIGNATURE_WINDOW_S;
}

/** Whether any `v1` of the header is the HMAC of `t.body` with `secret`; every candidate compared in constant time. */
export function signedWith(signature: ParsedSignature, raw: Buffer, secret: string): boolean {
  const expected = signLockerBody(secret, signature.timestamp, raw);
  let match = false;
  for (const given of signature.signatures) match = sameBytes(given, expected) || match;
  return match;
}
