import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../errors/app-error';

export interface RateLimitRule {
  /** What is being limited and for whom, e.g. `login:ip:203.0.113.9`. */
  key: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Counts one hit in a fixed window kept in PostgreSQL, so every API process shares the same budget.
 * Throws a 429 problem with Retry-After once the window's budget is spent.
 */
export async function consumeRateLimit(db: DbExecutor, rule: RateLimitRule): Promise<void> {
  const window = sql`make_interval(secs => ${rule.windowSeconds})`;
  const expired = sql`rate_limit_buckets.expires_at <= now()`;
  const { rows } = await sql<{ hits: number; retry_after: number }>`
    insert into rate_limit_buckets (key, window_started_at, hits, expires_at)
    values (${rule.key}, now(), 1, now() + ${window})
    on conflict (key) do update set
      hits = case when ${expired} then 1 else rate_limit_buckets.hits + 1 end,
      window_started_at = case when ${expired} then now() else rate_limit_buckets.window_started_at end,
      expires_at = case when ${expired} then now() + ${window} else rate_limit_buckets.expires_at end
    returning hits, ceil(extract(epoch from expires_at - now()))::int as retry_after`.execute(db);
  const bucket = rows[0];
  if (bucket && bucket.hits > rule.limit) {
    throw new AppError('rate_limited', `Too many attempts; try again in ${bucket.retry_after} seconds.`, {
      retryAfterSeconds: Math.max(1, bucket.retry_after),
    });
  }
}

export async function purgeExpiredRateLimitBuckets(db: DbExecutor): Promise<number> {
  const result = await db
    .deleteFrom('rate_limit_buckets')
    .where('expires_at', '<', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
