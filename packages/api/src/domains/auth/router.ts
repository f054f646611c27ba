import { z } from 'zod';
import { authedProcedure, publicProcedure, rateLimitedByIp } from '../../trpc/procedures';
import { router } from '../../trpc/init';
import { AuthSession, LoginInput, RegisterInput, User } from './schemas';
import { getUser, login, registerMerchant } from './service';

const REGISTRATIONS_PER_HOUR_PER_IP = 20;

export const authRouter = router({
  register: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/auth/register',
        tags: ['auth'],
        protect: false,
        summary: 'Register a merchant',
        description:
          'Creates a merchant organization and its first user (merchant admin), and signs that user in.',
        errorResponses: [400, 409, 429],
      },
    })
    .use(rateLimitedByIp('register', REGISTRATIONS_PER_HOUR_PER_IP, 3600))
    .input(RegisterInput)
    .output(AuthSession)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => registerMerchant(trx, ctx.keyring, input)),
    ),

  login: publicProcedure
    .meta({
      idempotent: false,
      openapi: {
        method: 'POST',
        path: '/api/auth/login',
        tags: ['auth'],
        protect: false,
        summary: 'Sign in',
        description: 'Returns a JWT bearer token (valid 7 days) and the user. Attempts are rate-limited.',
        errorResponses: [400, 401, 429],
      },
    })
    .input(LoginInput)
    .output(AuthSession)
    .mutation(({ ctx, input }) =>
      login(ctx.db, { keyring: ctx.keyring, limits: ctx.config.loginRateLimit, clientIp: ctx.ip }, input),
    ),

  me: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/api/auth/me', tags: ['auth'], summary: 'The signed-in user' } })
    .input(z.void())
    .output(User)
    .query(({ ctx }) => getUser(ctx.db, ctx.actor.userId)),
});
