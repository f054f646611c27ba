import { z } from 'zod';

/** Every timestamp in a response: ISO 8601 in UTC, e.g. `2026-11-22T09:30:00.000Z`. */
export const Timestamp = z.iso.datetime().describe('ISO 8601 UTC timestamp');

export function toTimestamp(value: Date): string {
  return value.toISOString();
}
