import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '@ipay/db';
import type { ExactConfig } from '../../../config';
import { domainError } from '../../../errors/domain-codes';
import { openSecret, sealSecret } from '../../../platform/secret-box';
import { FINANCE_ERRORS } from '../errors';
import { ExactRateLimited } from './client';

/** Exact's token response (`expires_in` arrives as a string of seconds: 600). */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.coerce.number().int().positive(),
  token_type: z.string(),
});

export interface ExactTokenDeps {
  db: Db;
  config: ExactConfig;
  encryptionKey: Buffer;
}

/**
 * An access token with less than this left is refreshed first, so a request never starts on a dying token.
 * Not more: Exact refuses a refresh while the access token has over 30 s to live (`TooEarlyToRefreshTokens`;
 * a new token at most every 9.5 of its 10 minutes).
 */
const EXPIRY_MARGIN_MS = 30_000;

/** Exact's refusal of a refresh asked for before the access token's last 30 s; the refresh token stays valid. */
function tooEarly(response: Response, body: string): boolean {
  return (
    (response.headers.get('reason') ?? '').startsWith('TooEarlyToRefreshTokens') ||
    body.includes('access_token not expired')
  );
}

async function refreshTokens(
  config: ExactConfig,
  refreshToken: string,
  accessExpiresAt: Date | null,
): Promise<z.infer<typeof TokenResponse>> {
  const response = await fetch(`${config.baseUrl}/api/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: config.clientId,
      client_secret: config.clientSecret,
    }),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status === 400 || response.status === 401) {
    const body = await response.text();
    if (tooEarly(response, body)) {
      const allowedAt = (accessExpiresAt?.getTime() ?? Date.now()) - EXPIRY_MARGIN_MS;
      throw new ExactRateLimited(new Date(Math.max(allowedAt, Date.now() + 1_000)));
    }
    throw domainError(
      FINANCE_ERRORS,
      'exact_token_rejected',
      `Exact refused the refresh token (${response.status}).`,
    );
  }
  if (!response.ok) throw new Error(`Exact token endpoint answered ${response.status}`);
  return TokenResponse.parse(await response.json());
}

/**
 * A valid access token. Refreshing is single-flight across every process: the refresh runs under a
 * transaction-scoped advisory lock, and the new pair is written (sealed) in that transaction, which commits
 * before the token is returned. Exact's refresh tokens are single-use, so a second worker waiting on the lock
 * reads the pair the first one stored instead of spending the refresh token again. `stale` is a token Exact
 * just refused (401): it is refreshed even when its stored expiry says it is still good.
 */
export async function exactAccessToken(deps: ExactTokenDeps, stale?: string): Promise<string> {
  const { config, encryptionKey } = deps;
  return deps.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`finance.exact-token:${config.division}`}))`.execute(
      trx,
    );
    const row = await trx
      .selectFrom('exact_tokens')
      .where('division', '=', config.division)
      .select(['access_token_sealed', 'access_expires_at', 'refresh_token_sealed'])
      .executeTakeFirst();
    const access = row?.access_token_sealed ? openSecret(encryptionKey, row.access_token_sealed) : null;
    const fresh = row?.access_expires_at && row.access_expires_at.getTime() - Date.now() > EXPIRY_MARGIN_MS;
    if (access && fresh && access !== stale) return access;
    const refreshToken = row
      ? openSecret(encryptionKey, row.refresh_token_sealed)
      : config.initialRefreshToken;
    if (!refreshToken) {
      throw domainError(
        FINANCE_ERRORS,
        'exact_not_configured',
        'Exact Online has no refresh token yet: set EXACT_REFRESH_TOKEN (from the app’s authorization-code grant).',
      );
    }
    const tokens = await refreshTokens(config, refreshToken, row?.access_expires_at ?? null);
    const values = {
      access_token_sealed: sealSecret(encryptionKey, tokens.access_token),
      access_expires_at: new Date(Date.now() + tokens.expires_in * 1000),
      refresh_token_sealed: sealSecret(encryptionKey, tokens.refresh_token),
      rotated_at: new Date(),
    };
    await trx
      .insertInto('exact_tokens')
      .values({ division: config.division, ...values })
      .onConflict((oc) => oc.column('division').doUpdateSet(values))
      .execute();
    return tokens.access_token;
  });
}
