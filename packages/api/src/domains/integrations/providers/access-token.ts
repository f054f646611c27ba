import { z } from 'zod';
import { parseShopAnswer } from '../shop-api';

/** An OAuth 2 token response (RFC 6749 §5.1), only the fields a client-credentials client uses. */
export const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
});

// A token is renewed this long before the platform says it expires, so a call never races the expiry.
const EXPIRY_MARGIN_MS = 30_000;
const DEFAULT_LIFETIME_S = 300;

/**
 * A bearer token fetched on first use and reused until shortly before its `expires_in`, for the lifetime of one
 * client (one connect or one sync): concurrent callers share the same request.
 */
export function cachedAccessToken(
  fetchToken: () => Promise<unknown>,
  now: () => number = Date.now,
): () => Promise<string> {
  let current: { token: Promise<string>; expiresAt: number } | undefined;
  return () => {
    if (current && now() < current.expiresAt) return current.token;
    const issuedAt = now();
    const entry = {
      expiresAt: Number.POSITIVE_INFINITY,
      token: fetchToken().then((raw) => {
        const parsed = parseShopAnswer(TokenResponse, raw, 'token response');
        entry.expiresAt = issuedAt + (parsed.expires_in ?? DEFAULT_LIFETIME_S) * 1000 - EXPIRY_MARGIN_MS;
        return parsed.access_token;
      }),
    };
    // A failed request is not cached: the next call asks again.
    entry.token.catch(() => {
      if (current === entry) current = undefined;
    });
    current = entry;
    return entry.token;
  };
}
