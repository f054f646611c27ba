import { authRouter } from './domains/auth/router';
import { benefitCardsRouter } from './domains/benefit-cards/router';
import { driverRouter } from './domains/driver/router';
import { ordersRouter } from './domains/orders/router';
import { paymentSessionsRouter } from './domains/payment-sessions/router';
import { notificationsRouter } from './domains/notifications/router';
import { eventsRouter } from './domains/events/router';
import { integrationsRouter } from './domains/integrations/router';
import { rbacRouter } from './domains/rbac/router';
import { schedulerRouter } from './domains/scheduler/router';
import { webhooksRouter } from './domains/webhooks/router';
import { router } from './trpc/init';

/** Every domain's procedures. REST routes match in this order: declare literal paths before templated ones. */
export const appRouter = router({
  auth: authRouter,
  rbac: rbacRouter,
  orders: ordersRouter,
  paymentSessions: paymentSessionsRouter,
  driver: driverRouter,
  webhooks: webhooksRouter,
  notifications: notificationsRouter,
  events: eventsRouter,
  benefitCards: benefitCardsRouter,
  integrations: integrationsRouter,
  scheduler: schedulerRouter,
});

export type AppRouter = typeof appRouter;
