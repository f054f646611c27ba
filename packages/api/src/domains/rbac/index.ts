import { defineDomain } from '../../platform/domain';
import { rbacRouter } from './router';

export const rbacDomain = defineDomain({
  name: 'rbac',
  trpc: { rbac: rbacRouter },
  events: {
    'role.created': { subscribable: false },
    'role.permissions_changed': { subscribable: false },
    'user.role_assigned': { subscribable: false },
  },
});
