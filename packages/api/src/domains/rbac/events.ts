import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const Grants = z.array(z.string()).describe('Permissions as `resource:action:scope`');

/** Role and grant events. Schemas only (zod): the SDK and browser code import them. */
export const RBAC_EVENTS = {
  'role.created': {
    description: 'A custom role was created',
    subscribable: false,
    payload: z.object({ name: z.string(), permissions: Grants }),
  },
  'role.permissions_changed': {
    description: "A role's permission matrix was replaced",
    subscribable: false,
    payload: z.object({ before: Grants, after: Grants }),
  },
  'user.role_assigned': {
    description: 'A role was assigned to a user',
    subscribable: false,
    payload: z.object({ roleId: z.string(), roleName: z.string() }),
  },
} satisfies EventDefinitions;
