import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../../context';
import { AppError } from '../../../errors/app-error';
import { appendCookie, cookieHeader, readCookie } from '../../../pages/http';
import { CONSUMER_TOKEN_TTL_SECONDS, verifyConsumerToken } from '../../auth/service';
import { consumerForToken, type SignedInConsumer } from '../service/sessions';

/**
 * The consumer's pages keep the same consumer JWT the API returns, in an HttpOnly, SameSite=Lax cookie scoped to
 * `/consumer`: never readable by script, never sent to `/api` (the API takes bearer tokens only, so no cookie can
 * act there on a consumer's behalf), and never sent on another site's form POST.
 */
const COOKIE = 'ipay_consumer';
const PATH = '/consumer';

export function setConsumerCookie(reply: FastifyReply, deps: AppDeps, token: string): void {
  appendCookie(
    reply,
    cookieHeader(deps, COOKIE, token, { path: PATH, maxAgeSeconds: CONSUMER_TOKEN_TTL_SECONDS }),
  );
}

export function clearConsumerCookie(reply: FastifyReply, deps: AppDeps): void {
  appendCookie(reply, cookieHeader(deps, COOKIE, '', { path: PATH, maxAgeSeconds: 0 }));
}

/** The signed-in consumer of the cookie, or undefined when there is none or its session has ended. */
export async function cookieConsumer(
  request: FastifyRequest,
  deps: AppDeps,
): Promise<SignedInConsumer | undefined> {
  const token = readCookie(request, COOKIE);
  if (!token) return undefined;
  try {
    return await consumerForToken(deps.db, verifyConsumerToken(deps.keyring, token));
  } catch (error) {
    if (error instanceof AppError && error.status === 401) return undefined;
    throw error;
  }
}
