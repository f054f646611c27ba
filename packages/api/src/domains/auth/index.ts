import { defineDomain } from '../../platform/domain';
import { authRouter } from './router';

export const authDomain = defineDomain({
  name: 'auth',
  trpc: { auth: authRouter },
  events: {
    'user.created': { subscribable: false },
    'organization.registered': { subscribable: false },
  },
});
