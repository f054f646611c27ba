import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

/** Account events. Schemas only (zod): the SDK and browser code import them. */
export const AUTH_EVENTS = {
  'organization.registered': {
    description: 'A merchant organization registered, with its first admin',
    subscribable: false,
    payload: z.object({ organizationType: z.string(), adminUserId: z.string() }),
  },
  'user.created': {
    description: 'A user was created',
    subscribable: false,
    payload: z.object({ email: z.string(), systemRole: z.string() }),
  },
} satisfies EventDefinitions;
