import type { AppDeps } from '../../../context';
import { AppError } from '../../../errors/app-error';
import { cookieHeader } from '../../../pages/http';
import { CONSUMER_TOKEN_TTL_SECONDS, verifyConsumerToken } from '../../auth/service';
import { consumerForToken, type SignedInConsumer } from '../service/sessions';

/**
 * The consumer's pages keep the same consumer JWT the API returns, in an HttpOnly, SameSite=Lax cookie scoped to
 * `/consumer`: never readable by script, never sent to `/api` (the API takes bearer tokens only, so no cookie can
 * act there on a consumer's behalf), and never sent on another site's form POST.
 */
export const CONSUMER_COOKIE = 'ipay_consumer';
const PATH = '/consumer';

/** The Set-Cookie header that keeps a consumer's session in this browser for the token's 30 days. */
export function consumerCookie(deps: AppDeps, token: string): string {
  return cookieHeader(deps, CONSUMER_COOKIE, token, {
    path: PATH,
    maxAgeSeconds: CONSUMER_TOKEN_TTL_SECONDS,
  });
}

export function clearedConsumerCookie(deps: AppDeps): string {
  return cookieHeader(deps, CONSUMER_COOKIE, '', { path: PATH, maxAgeSeconds: 0 });
}

/** The signed-in consumer of the cookie's token, or undefined when there is none or its session has ended. */
export async function consumerOfCookie(
  deps: AppDeps,
  token: string | undefined,
): Promise<SignedInConsumer | undefined> {
  if (!token) return undefined;
  try {
    return await consumerForToken(deps.db, verifyConsumerToken(deps.keyring, token));
  } catch (error) {
    if (error instanceof AppError && error.status === 401) return undefined;
    throw error;
  }
}
