import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import { deriveKey } from '../../platform/key-derivation';

/**
 * The door code is for the consumer alone. Whoever holds the pay link (the consumer, but also the merchant and
 * operators, who read it in every session list) sees that the parcel is paid; only the browser that pressed
 * Pay sees the code. That browser gets this cookie when it starts the payment: an HMAC of the pay token under
 * a key derived for this purpose only, so nothing is stored and it cannot be made without the platform's key.
 * It is http-only, SameSite=Lax (sent when the PSP sends the consumer back), Secure on https, and scoped by
 * path to this one session: its pay page (and the page's forms) and its JSON view.
 */
export const PAYER_COOKIE = 'ipay_payer';
/** Long enough for any delivery; the code is useless after release anyway. */
export const PAYER_COOKIE_MAX_AGE_SECONDS = 90 * 24 * 3600;

export function payerProof(rootKey: Buffer, payToken: string): string {
  return createHmac('sha256', deriveKey(rootKey, 'pay-page-payer')).update(payToken).digest('base64url');
}

/** Whether a request's `Cookie` header proves it comes from the browser that paid this session. */
export function holdsPayerProof(
  rootKey: Buffer,
  payToken: string,
  cookieHeader: string | undefined,
): boolean {
  const given = parseCookies(cookieHeader ?? '')[PAYER_COOKIE];
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(payerProof(rootKey, payToken));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The paths the cookie is set for: the pay page and the JSON view of the same session. */
export function payerCookiePaths(payToken: string): string[] {
  return [`/pay/${payToken}`, `/api/session/${payToken}`];
}
