import { defineDomain } from '../../platform/domain';
import { authRouter } from './router';
import { AUTH_EVENTS } from './events';

export const authDomain = defineDomain({
  name: 'auth',
  trpc: { auth: authRouter },
  events: AUTH_EVENTS,
});
