import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const SponsorUserStatusChange = z.object({
  username: z.string().nullable(),
  from: z.string(),
  to: z.string(),
});

/** Benefit-card events. Schemas only (zod): the SDK and browser code import them. */
export const BENEFIT_CARD_EVENTS = {
  'sponsor_user.disabled': {
    description: "A sponsor's user was disabled",
    subscribable: false,
    payload: SponsorUserStatusChange,
  },
  'sponsor_user.enabled': {
    description: "A sponsor's user was enabled again",
    subscribable: false,
    payload: SponsorUserStatusChange,
  },
  'benefit_program.updated': {
    description: 'A benefit program was changed',
    subscribable: false,
    payload: z.object({
      code: z.string(),
      changes: z
        .record(z.string(), z.object({ from: z.json(), to: z.json() }))
        .describe('Each changed field, from its old to its new value'),
    }),
  },
} satisfies EventDefinitions;
