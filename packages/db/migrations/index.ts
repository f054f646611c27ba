import type { Migration } from 'kysely';
import * as foundation from './2026_11_22_000001_foundation';
import * as eventStream from './2026_11_23_100000_event_stream';

/** Every migration in order of its name; a test checks this list against the folder. */
export const migrations: Record<string, Migration> = {
  '2026_11_22_000001_foundation': foundation,
  '2026_11_23_100000_event_stream': eventStream,
};
