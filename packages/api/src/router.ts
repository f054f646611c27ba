import { authRouter } from './domains/auth/router';
import { notificationsRouter } from './domains/notifications/router';
import { rbacRouter } from './domains/rbac/router';
import { webhooksRouter } from './domains/webhooks/router';
import { router } from './trpc/init';

/** Every domain's procedures. REST routes match in this order: declare literal paths before templated ones. */
export const appRouter = router({
  auth: authRouter,
  rbac: rbacRouter,
  webhooks: webhooksRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
