const SECOND = 1000;
const HOUR = 3600 * SECOND;

/** Waits after the 1st, 2nd, … failed attempt; after the last listed one, every LATE_RETRY_DELAY. */
const RETRY_DELAYS = [30, 120, 600, 1800, 3600, 7200, 14_400, 28_800].map((s) => s * SECOND);
const LATE_RETRY_DELAY = 12 * HOUR;
/** ±20 %, so endpoints that failed together (an outage) are not all retried in the same second. */
const JITTER = 0.2;

/** A delivery is retried until this long after it was created; then it has failed. */
export const RETRY_WINDOW_MS = 72 * HOUR;
/** An endpoint whose attempts have only failed for this long is disabled and its owner told. */
export const DISABLE_AFTER_FAILING_MS = 72 * HOUR;

export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const base = RETRY_DELAYS[failedAttempts - 1] ?? LATE_RETRY_DELAY;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date. Capped at the late retry delay so a receiver
 * cannot park a delivery beyond its retry window in one answer.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * SECOND : Date.parse(trimmed) - now.getTime();
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(ms, LATE_RETRY_DELAY);
}

export function nextAttemptAt(options: {
  failedAttempts: number;
  attemptStartedAt: Date;
  retryAfterMs?: number;
  random?: () => number;
}): Date {
  const delay = Math.max(retryDelayMs(options.failedAttempts, options.random), options.retryAfterMs ?? 0);
  return new Date(options.attemptStartedAt.getTime() + delay);
}

/** The next attempt after a failed one, or undefined when it would fall beyond the delivery's retry window. */
export function retryWithinWindow(options: {
  failedAttempts: number;
  attemptStartedAt: Date;
  deliveryCreatedAt: Date;
  retryAfterMs?: number;
  random?: () => number;
}): Date | undefined {
  const next = nextAttemptAt(options);
  return next.getTime() > options.deliveryCreatedAt.getTime() + RETRY_WINDOW_MS ? undefined : next;
}
