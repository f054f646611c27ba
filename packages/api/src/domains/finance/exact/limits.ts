import { sql } from 'kysely';
import type { Db } from '@ipay/db';

/**
 * Exact's error budget: no more than 10 answers of 400, 401, 403 or 404 per app, user, company and endpoint
 * within an hour, or the app key is blocked for an hour and longer after that. IPAY stops one short, so the
 * error that blocks the key is never one of its own requests.
 */
export const EXACT_ERRORS_PER_HOUR = 10;
const ERROR_WINDOW_MS = 3_600_000;
const COUNTED_ERRORS = new Set([400, 401, 403, 404]);

/** Exact's rate-limit headers as read from one answer; null where the answer did not carry the header. */
export interface ExactRateHeaders {
  dailyRemaining: number | null;
  dailyResetAt: Date | null;
  minutelyRemaining: number | null;
  minutelyResetAt: Date | null;
}

/** What gates every request to Exact, shared by every worker through the database. */
export interface ExactLimits {
  /** When a request to this endpoint may go; null: now. */
  blockedUntil(endpoint: string, now?: Date): Promise<Date | null>;
  /** Records an answer: its rate-limit headers, and the error when Exact counts it against the budget. */
  record(endpoint: string, status: number, headers: ExactRateHeaders): Promise<void>;
}

function later(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** The limits of one division, stored in `exact_rate_limits` and `exact_api_errors`. */
export function createExactLimits(db: Db, division: number): ExactLimits {
  return {
    async blockedUntil(endpoint, now = new Date()) {
      const row = await db
        .selectFrom('exact_rate_limits')
        .where('division', '=', division)
        .select(['daily_remaining', 'daily_reset_at', 'minutely_remaining', 'minutely_reset_at'])
        .executeTakeFirst();
      const daily =
        row?.daily_remaining === 0 && row.daily_reset_at && row.daily_reset_at > now
          ? row.daily_reset_at
          : null;
      const minutely =
        row?.minutely_remaining === 0 && row.minutely_reset_at && row.minutely_reset_at > now
          ? row.minutely_reset_at
          : null;
      const errors = await db
        .selectFrom('exact_api_errors')
        .where('division', '=', division)
        .where('endpoint', '=', endpoint)
        .where('occurred_at', '>', new Date(now.getTime() - ERROR_WINDOW_MS))
        .select((eb) => [eb.fn.countAll<string>().as('count'), eb.fn.min('occurred_at').as('oldest')])
        .executeTakeFirstOrThrow();
      const budget =
        Number(errors.count) >= EXACT_ERRORS_PER_HOUR - 1 && errors.oldest
          ? new Date(new Date(errors.oldest).getTime() + ERROR_WINDOW_MS)
          : null;
      return later(later(daily, minutely), budget);
    },

    async record(endpoint, status, headers) {
      if (COUNTED_ERRORS.has(status)) {
        await db.insertInto('exact_api_errors').values({ division, endpoint, status }).execute();
      }
      // A header Exact left out keeps the value stored before: its 429 for one limit omits the other's headers.
      const values = {
        ...(headers.dailyRemaining !== null && { daily_remaining: headers.dailyRemaining }),
        ...(headers.dailyResetAt && { daily_reset_at: headers.dailyResetAt }),
        ...(headers.minutelyRemaining !== null && { minutely_remaining: headers.minutelyRemaining }),
        ...(headers.minutelyResetAt && { minutely_reset_at: headers.minutelyResetAt }),
      };
      if (!Object.keys(values).length) return;
      await db
        .insertInto('exact_rate_limits')
        .values({ division, ...values })
        .onConflict((oc) => oc.column('division').doUpdateSet({ ...values, updated_at: sql`now()` }))
        .execute();
    },
  };
}
