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
    payload: z.object({
      email: z.string(),
      systemRole: z.string().nullable().describe('The system role given; null when only custom roles were'),
      roleIds: z.array(z.string()).optional().describe('Every role given, when the user was invited'),
    }),
  },
  'user.invited': {
    description: 'A member was invited to an organization (a pending invitation replaces an earlier one)',
    subscribable: false,
    payload: z.object({ email: z.string(), roleIds: z.array(z.string()), expiresAt: z.string() }),
  },
  'user.invitation_revoked': {
    description: 'A pending invitation was revoked',
    subscribable: false,
    payload: z.object({ email: z.string() }),
  },
  'user.disabled': {
    description: 'A member was disabled: cannot sign in, earlier tokens refused',
    subscribable: false,
    payload: z.object({ email: z.string() }),
  },
  'user.enabled': {
    description: 'A disabled member was enabled again',
    subscribable: false,
    payload: z.object({ email: z.string() }),
  },
  'user.removed': {
    description: 'A member was removed from their organization (kept for history, never signs in again)',
    subscribable: false,
    payload: z.object({ email: z.string() }),
  },
  'user.roles_changed': {
    description: "A member's roles were replaced",
    subscribable: false,
    payload: z.object({ before: z.array(z.string()), after: z.array(z.string()) }).describe('Role ids'),
  },
  'user.password_changed': {
    description: 'A user changed their password, or set a new one through a reset link',
    subscribable: false,
    payload: z.object({ via: z.enum(['change', 'reset']) }),
  },
  'user.signed_out_everywhere': {
    description: 'Every token issued to the user before now was revoked',
    subscribable: false,
    payload: z.object({ tokensValidAfter: z.string() }),
  },
} satisfies EventDefinitions;
