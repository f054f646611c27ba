import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';

/**
 * The door code is for the consumer alone. Whoever holds the pay link (the consumer, but also the merchant and
 * operators, who read it in every session list) sees that the parcel is paid; only the browser that paid sees
 * the code. Each press of Pay on the pay page is a payer attempt: that browser gets a random cookie, and the
 * session keeps only its SHA-256, replacing the previous attempt's. Once paid, no attempt can follow, so the
 * code shows only to the browser of the last attempt before payment: someone who pressed Pay earlier and left
 * (a merchant's employee holding the link, say) is not shown it once the consumer pays. The cookie is
 * http-only, SameSite=Lax (sent when the PSP sends the consumer back), Secure on https, and scoped by path to
 * this one session: its pay page (and the page's forms) and its JSON view.
 */
export const PAYER_COOKIE = 'ipay_payer';
/** Long enough for any delivery; the code is useless after release anyway. */
export const PAYER_COOKIE_MAX_AGE_SECONDS = 90 * 24 * 3600;

function attemptHash(cookie: string): string {
  return createHash('sha256').update(cookie).digest('base64url');
}

/** A new payer attempt: the cookie for the browser and the hash the session keeps. */
export function newPayerAttempt(): { cookie: string; hash: string } {
  const cookie = randomBytes(32).toString('base64url');
  return { cookie, hash: attemptHash(cookie) };
}

/** Whether a request's `Cookie` header holds the session's latest payer attempt. */
export function holdsPayerProof(
  attemptHashOfSession: string | null,
  cookieHeader: string | undefined,
): boolean {
  const given = parseCookies(cookieHeader ?? '')[PAYER_COOKIE];
  if (!attemptHashOfSession || !given) return false;
  const a = Buffer.from(attemptHash(given));
  const b = Buffer.from(attemptHashOfSession);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The paths the cookie is set for: the pay page and the JSON view of the same session. */
export function payerCookiePaths(payToken: string): string[] {
  return [`/pay/${payToken}`, `/api/session/${payToken}`];
}
