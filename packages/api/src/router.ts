import { authRouter } from './domains/auth/router';
import { eventsRouter } from './domains/events/router';
import { rbacRouter } from './domains/rbac/router';
import { router } from './trpc/init';

/** Every domain's procedures. REST routes match in this order: declare literal paths before templated ones. */
export const appRouter = router({
  auth: authRouter,
  rbac: rbacRouter,
  events: eventsRouter,
});

export type AppRouter = typeof appRouter;
