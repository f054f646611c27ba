import { defineDomain } from '../../platform/domain';
import { rbacRouter } from './router';
import { RBAC_EVENTS } from './events';

export const rbacDomain = defineDomain({
  name: 'rbac',
  trpc: { rbac: rbacRouter },
  events: RBAC_EVENTS,
});
