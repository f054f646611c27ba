import { z } from 'zod';
import { authedProcedure, publicProcedure, rateLimitedByIp, rateLimitedByUser } from '../../trpc/procedures';
import { router } from '../../trpc/init';
import {
  changePassword,
  confirmPasswordReset,
  PASSWORD_RESET_CONFIRM_LIMIT,
  requestPasswordReset,
  signOutEverywhere,
} from './credentials';
import { invitationsRouter, membersRouter } from './members/router';
import {
  AuthSession,
  ChangePasswordInput,
  LoginInput,
  PasswordResetConfirmed,
  PasswordResetConfirmInput,
  PasswordResetRequested,
  PasswordResetRequestInput,
  RegisterInput,
  SignedOutEverywhere,
  User,
} from './schemas';
import { getUser, login, registerMerchant } from './service';

const REGISTRATIONS_PER_HOUR_PER_IP = 20;
const PASSWORD_CHANGES_PER_15_MINUTES = 10;
const SIGN_OUTS_PER_MINUTE = 5;

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

  changePassword: authedProcedure
    .meta({
      changesAccess: true,
      openapi: {
        method: 'POST',
        path: '/api/auth/password',
        tags: ['auth'],
        summary: 'Change my password',
        description:
          'Needs the current password. Signs you out everywhere (every token issued before is refused) and returns a fresh session, so this caller stays signed in. The account holder gets a notice by e-mail.',
        errorResponses: [400, 401, 429],
      },
    })
    .use(rateLimitedByUser('password-change', PASSWORD_CHANGES_PER_15_MINUTES, 900))
    .input(ChangePasswordInput)
    .output(AuthSession)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => changePassword(trx, { actor: ctx.actor, keyring: ctx.keyring, input })),
    ),

  requestPasswordReset: publicProcedure
    .meta({
      successStatus: 202,
      openapi: {
        method: 'POST',
        path: '/api/auth/password-reset/request',
        tags: ['auth'],
        protect: false,
        summary: 'Ask for a password-reset link',
        description:
          'Always the same answer, whether or not the address has an account; an active account gets a single-use link (`<PUBLIC_URL>/password-reset/<token>`, valid 30 minutes) by e-mail. Limited per address and per client address.',
        errorResponses: [400, 429],
      },
    })
    .input(PasswordResetRequestInput)
    .output(PasswordResetRequested)
    .mutation(({ ctx, input }) => requestPasswordReset(ctx.db, { clientIp: ctx.ip, input })),

  confirmPasswordReset: publicProcedure
    .meta({
      changesAccess: true,
      openapi: {
        method: 'POST',
        path: '/api/auth/password-reset/confirm',
        tags: ['auth'],
        protect: false,
        summary: 'Set a new password with a reset link',
        description: 'The token from the link works once, for 30 minutes. Signs the account out everywhere.',
        errorResponses: [400, 410, 429],
      },
    })
    .use(
      rateLimitedByIp(
        PASSWORD_RESET_CONFIRM_LIMIT.name,
        PASSWORD_RESET_CONFIRM_LIMIT.perIp,
        PASSWORD_RESET_CONFIRM_LIMIT.windowSeconds,
      ),
    )
    .input(PasswordResetConfirmInput)
    .output(PasswordResetConfirmed)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => confirmPasswordReset(trx, { input })),
    ),

  signOutEverywhere: authedProcedure
    .meta({
      changesAccess: true,
      openapi: {
        method: 'POST',
        path: '/api/auth/sign-out-everywhere',
        tags: ['auth'],
        summary: 'Sign out everywhere',
        description:
          'Every token issued to you before now is refused, this one included; sign in again for a new one.',
        errorResponses: [401, 429],
      },
    })
    .use(rateLimitedByUser('sign-out-everywhere', SIGN_OUTS_PER_MINUTE, 60))
    .input(z.void())
    .output(SignedOutEverywhere)
    .mutation(({ ctx }) =>
      ctx.db.transaction().execute((trx) => signOutEverywhere(trx, { actor: ctx.actor })),
    ),

  members: membersRouter,
  invitations: invitationsRouter,
});
