import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** A signature check on the exact bytes received; false for a missing, wrong or stale signature, never throws. */
export type SignatureVerifier = (raw: Buffer, headers: WebhookHeaders, secret: string) => boolean;

export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Equal bytes, in constant time for equal lengths (a length mismatch says nothing secret). */
export function sameBytes(actual: Buffer, expected: Buffer): boolean {
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Shopify, WooCommerce, Picqer (base64); Shopware (hex): HMAC-SHA256 of the raw body in one header. */
export function hmacSha256(signatureHeader: string, encoding: 'base64' | 'hex'): SignatureVerifier {
  return (raw, headers, secret) => {
    const given = headerValue(headers, signatureHeader)?.trim();
    if (!given || !secret) return false;
    // Hex compares case-insensitively; Buffer.from(…, 'hex') stops at the first bad digit, so check the form.
    if (encoding === 'hex' && !/^[0-9a-fA-F]+$/.test(given)) return false;
    return sameBytes(Buffer.from(given, encoding), createHmac('sha256', secret).update(raw).digest());
  };
}

/**
 * Standard Webhooks (BigCommerce): `v1,<base64 HMAC-SHA256 of id.timestamp.body>`, keyed with the secret's own
 * bytes (not a `whsec_` base64 secret), refused more than 5 minutes from now. The library compares in
 * constant time and accepts any of several space-separated signatures.
 */
export const standardWebhooks: SignatureVerifier = (raw, headers, secret) => {
  const id = headerValue(headers, 'webhook-id');
  const timestamp = headerValue(headers, 'webhook-timestamp');
  const signature = headerValue(headers, 'webhook-signature');
  if (!secret || !id || !timestamp || !signature) return false;
  try {
    new Webhook(Buffer.from(secret, 'utf8'), { format: 'raw' }).verify(
      raw,
      { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { jsonParse: false },
    );
    return true;
  } catch {
    return false;
  }
};

/** Lightspeed eCom: hex MD5 of the raw body followed by the app secret. */
export function md5BodyThenSecretHex(signatureHeader: string): SignatureVerifier {
  return (raw, headers, secret) => {
    const given = headerValue(headers, signatureHeader);
    if (!given || !secret || !/^[0-9a-f]{32}$/i.test(given)) return false;
    const expected = createHash('md5').update(raw).update(secret, 'utf8').digest();
    return sameBytes(Buffer.from(given, 'hex'), expected);
  };
}

export const sha256Hex = (raw: Buffer): string => createHash('sha256').update(raw).digest('hex');
