import { DOMAINS } from './domains';
import { mergeRouters } from './platform/registry';
import { router } from './trpc/init';

/** Every domain's procedures, in the order of DOMAINS (REST routes match in declaration order). */
export const appRouter = router(mergeRouters(DOMAINS));

export type AppRouter = typeof appRouter;
