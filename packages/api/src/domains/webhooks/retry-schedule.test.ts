import { describe, expect, it } from 'vitest';
import {
  nextAttemptAt,
  parseRetryAfter,
  retryDelayMs,
  retryWithinWindow,
  RETRY_WINDOW_MS,
} from './retry-schedule';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('webhook retry schedule', () => {
  it('backs off 30 s, 2 min, 10 min, 30 min, 1, 2, 4, 8 h, then every 12 h', () => {
    const middle = () => 0.5;
    const delays = Array.from({ length: 11 }, (_, i) => retryDelayMs(i + 1, middle));
    expect(delays).toEqual([
      30_000,
      2 * MINUTE,
      10 * MINUTE,
      30 * MINUTE,
      HOUR,
      2 * HOUR,
      4 * HOUR,
      8 * HOUR,
      12 * HOUR,
      12 * HOUR,
      12 * HOUR,
    ]);
  });

  it('jitters each delay by up to 20 % either way', () => {
    expect(retryDelayMs(1, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, () => 1)).toBe(36_000);
  });

  it('keeps retrying for about 3 days: the whole schedule fits the retry window about 13 times', () => {
    let elapsed = 0;
    let attempts = 1;
    while (elapsed + retryDelayMs(attempts, () => 0.5) <= RETRY_WINDOW_MS) {
      elapsed += retryDelayMs(attempts, () => 0.5);
      attempts += 1;
    }
    expect(attempts).toBe(13);
    expect(elapsed).toBeGreaterThan(63 * HOUR);
  });

  it('honours Retry-After as seconds or an HTTP date, capped at 12 hours, and never waits less than the backoff', () => {
    const now = new Date('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:05:00 GMT', now)).toBe(5 * MINUTE);
    expect(parseRetryAfter('999999', now)).toBe(12 * HOUR);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    const at = (retryAfterMs?: number) =>
      nextAttemptAt({ failedAttempts: 1, attemptStartedAt: now, retryAfterMs, random: () => 0.5 }).getTime() -
      now.getTime();
    expect(at(10 * MINUTE)).toBe(10 * MINUTE);
    expect(at(5_000)).toBe(30_000);
  });

  it('schedules a retry only while it falls inside the 72-hour window of its delivery', () => {
    const attemptStartedAt = new Date('2026-11-23T10:00:00Z');
    const retry = (createdHoursAgo: number) =>
      retryWithinWindow({
        failedAttempts: 1,
        attemptStartedAt,
        deliveryCreatedAt: new Date(attemptStartedAt.getTime() - createdHoursAgo * HOUR),
        random: () => 0.5,
      });
    expect(retry(1)).toEqual(new Date(attemptStartedAt.getTime() + 30_000));
    expect(retry(RETRY_WINDOW_MS / HOUR)).toBeUndefined();
  });
});
