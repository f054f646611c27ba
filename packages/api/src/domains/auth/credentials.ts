import { sql } from 'kysely';
import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { enqueueJob } from '../../jobs/enqueue';
import { consumeRateLimit } from '../../platform/rate-limit';
import { toTimestamp } from '../../platform/time';
import { recordDomainEvent } from '../events/service';
import { queueEmail } from '../notifications/service';
import { passwordChangedEmail } from './emails/password-changed';
import { passwordResetEmail, passwordResetLink } from './emails/password-reset';
import { AUTH_ERRORS } from './errors';
import { hashPassword, verifyPassword } from './passwords';
import type { z } from 'zod';
import type { PasswordResetConfirmed } from './schemas';
import type {
  AuthSession,
  ChangePasswordInput,
  PasswordResetConfirmInput,
  PasswordResetRequested,
  PasswordResetRequestInput,
  SignedOutEverywhere,
} from './schemas';
import { getUser, sessionFor, type Actor } from './service';
import { hashSingleUseToken, newSingleUseToken } from './single-use-token';
import { signOutCutoff, type Keyring } from './tokens';

/** How long a password-reset link works. */
export const PASSWORD_RESET_TTL_MINUTES = 30;
/** Reset requests per address and per client address, per hour. */
export const PASSWORD_RESET_LIMITS = { perEmail: 5, perIp: 20, windowSeconds: 3600 } as const;
/** Confirmations per client address: one budget for `POST /api/auth/password-reset/confirm` and the page's form. */
export const PASSWORD_RESET_CONFIRM_LIMIT = {
  name: 'password-reset-confirm',
  perIp: 20,
  windowSeconds: 900,
} as const;

const RESET_REQUESTED: PasswordResetRequested = {
  accepted: true,
  detail:
    'If an active account uses this address, a link to choose a new password is on its way (valid 30 minutes).',
};

/** The user row a credential change works on, locked. */
async function lockUser(trx: DbTransaction, userId: string) {
  const row = await trx
    .selectFrom('users')
    .select([
      'id',
      'organization_id',
      'email',
      'name',
      'password_hash',
      'status',
      'removed_at',
      'tokens_valid_after',
    ])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `User ${userId} does not exist.`);
  return row;
}

function refuseEmailAsPassword(password: string, email: string, field: string): void {
  if (password.toLowerCase() === email.toLowerCase()) {
    throw AppError.validation(field, 'must not be your e-mail address', 'password_is_email');
  }
}

/**
 * Sets a new password and signs the user out everywhere (the cut-off is returned), records
 * `user.password_changed` and mails the account holder a notice.
 */
async function setPassword(
  trx: DbTransaction,
  user: { id: string; organization_id: string; email: string; name: string; tokens_valid_after: Date | null },
  change: { password: string; via: 'change' | 'reset'; actorUserId: string | null },
): Promise<Date> {
  const now = new Date();
  const tokensValidAfter = signOutCutoff(user.tokens_valid_after, now);
  await trx
    .updateTable('users')
    .set({ password_hash: await hashPassword(change.password), tokens_valid_after: tokensValidAfter })
    .where('id', '=', user.id)
    .execute();
  // Any other reset link of this account dies with the old password.
  await trx
    .deleteFrom('password_reset_tokens')
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .execute();
  await recordDomainEvent(trx, {
    type: 'user.password_changed',
    resourceType: 'user',
    resourceId: user.id,
    organizationId: user.organization_id,
    actorUserId: change.actorUserId,
    data: { via: change.via },
  });
  await queueEmail(trx, passwordChangedEmail({ to: user.email, name: user.name, at: now }));
  return tokensValidAfter;
}

/**
 * Changes the signed-in user's password, given their current one (a wrong one is a 400 naming
 * `currentPassword`). Every token issued before is refused from now on; the answer carries a fresh session so
 * the caller stays signed in.
 */
export async function changePassword(
  trx: DbTransaction,
  request: { actor: Actor; keyring: Keyring; input: ChangePasswordInput },
): Promise<AuthSession> {
  const { actor, input } = request;
  const user = await lockUser(trx, actor.userId);
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    throw domainError(AUTH_ERRORS, 'wrong_password', 'The current password is not correct.', {
      errors: [{ field: 'currentPassword', message: 'is not your current password', code: 'wrong_password' }],
    });
  }
  refuseEmailAsPassword(input.newPassword, user.email, 'newPassword');
  const tokensValidAfter = await setPassword(trx, user, {
    password: input.newPassword,
    via: 'change',
    actorUserId: actor.userId,
  });
  return sessionFor(request.keyring, await getUser(trx, user.id), tokensValidAfter);
}

/**
 * Asks for a password-reset link. The answer is the same whether or not the address has an account, and so is
 * the work done before answering (two rate-limit hits and one job); the job looks the account up and mails the
 * link, so neither the answer nor its timing tells whether an account exists.
 */
export async function requestPasswordReset(
  db: Db,
  request: { clientIp: string; input: PasswordResetRequestInput },
): Promise<PasswordResetRequested> {
  const { perEmail, perIp, windowSeconds } = PASSWORD_RESET_LIMITS;
  await consumeRateLimit(db, { key: `password-reset:ip:${request.clientIp}`, limit: perIp, windowSeconds });
  await consumeRateLimit(db, {
    key: `password-reset:email:${request.input.email}`,
    limit: perEmail,
    windowSeconds,
  });
  await enqueueJob(db, 'auth.send-password-reset', { email: request.input.email });
  return RESET_REQUESTED;
}

/**
 * The job behind a reset request: for an active account with this address, a new single-use link valid 30
 * minutes (earlier unused links of the account stop working), mailed in the same transaction. Otherwise nothing.
 */
export async function sendPasswordReset(
  trx: DbTransaction,
  request: { email: string; publicUrl: string },
): Promise<'sent' | 'no-account'> {
  const user = await trx
    .selectFrom('users')
    .select(['id', 'email', 'name'])
    .where('email', '=', request.email.toLowerCase())
    .where('status', '=', 'active')
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  if (!user) return 'no-account';
  await trx
    .deleteFrom('password_reset_tokens')
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .execute();
  const { token, hash } = newSingleUseToken();
  await trx
    .insertInto('password_reset_tokens')
    .values({
      user_id: user.id,
      token_hash: hash,
      expires_at: sql<Date>`now() + make_interval(mins => ${PASSWORD_RESET_TTL_MINUTES})`,
    })
    .execute();
  await queueEmail(
    trx,
    passwordResetEmail({
      to: user.email,
      name: user.name,
      link: passwordResetLink(request.publicUrl, token),
    }),
  );
  return 'sent';
}

function invalidReset(): AppError {
  return domainError(AUTH_ERRORS, 'password_reset_invalid', 'This password-reset link is not valid.', {
    errors: [{ field: 'token', message: 'is not a valid password-reset token', code: 'invalid_token' }],
  });
}

/** The one rule for a reset link: unknown is a 400, used or expired a 410, each with its own code. */
function assertUsableReset<T extends { used_at: Date | null; expires_at: Date }>(reset: T | undefined): T {
  if (!reset) throw invalidReset();
  if (reset.used_at) {
    throw domainError(AUTH_ERRORS, 'password_reset_used', 'This password-reset link was already used.');
  }
  if (reset.expires_at <= new Date()) {
    throw domainError(
      AUTH_ERRORS,
      'password_reset_expired',
      'This password-reset link has expired; ask for a new one.',
    );
  }
  return reset;
}

/** A reset link opens only an account still active (a disabled or removed one's links are invalid). */
function assertResettableAccount<T extends { status: string; removed_at: Date | null }>(
  user: T | undefined,
): asserts user is T {
  if (!user || user.status !== 'active' || user.removed_at) throw invalidReset();
}

/** What the reset page shows before the new password is typed: whose account, until when the link works. */
export interface PasswordResetPreview {
  email: string;
  expiresAt: string;
}

/**
 * Checks a reset link without using it, by the same rules as `confirmPasswordReset` (so the page can tell an
 * expired, used or unknown link before a password is typed). Public: the token is the credential.
 */
export async function previewPasswordReset(db: DbExecutor, token: string): Promise<PasswordResetPreview> {
  const reset = assertUsableReset(
    await db
      .selectFrom('password_reset_tokens')
      .select(['user_id', 'used_at', 'expires_at'])
      .where('token_hash', '=', hashSingleUseToken(token))
      .executeTakeFirst(),
  );
  const user = await db
    .selectFrom('users')
    .select(['email', 'status', 'removed_at'])
    .where('id', '=', reset.user_id)
    .executeTakeFirst();
  assertResettableAccount(user);
  return { email: user.email, expiresAt: toTimestamp(reset.expires_at) };
}

/**
 * Sets a new password with a reset link's token: single use, 30 minutes, only for an account still active.
 * Signs the user out everywhere; they sign in with the new password.
 */
export async function confirmPasswordReset(
  trx: DbTransaction,
  request: { input: PasswordResetConfirmInput },
): Promise<z.infer<typeof PasswordResetConfirmed>> {
  const { input } = request;
  const reset = assertUsableReset(
    await trx
      .selectFrom('password_reset_tokens')
      .selectAll()
      .where('token_hash', '=', hashSingleUseToken(input.token))
      .forUpdate()
      .executeTakeFirst(),
  );
  const user = await lockUser(trx, reset.user_id);
  assertResettableAccount(user);
  refuseEmailAsPassword(input.newPassword, user.email, 'newPassword');
  await trx
    .updateTable('password_reset_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('id', '=', reset.id)
    .execute();
  await setPassword(trx, user, { password: input.newPassword, via: 'reset', actorUserId: null });
  return { passwordChanged: true };
}

/** Refuses every token issued to the signed-in user before now, this request's own included. */
export async function signOutEverywhere(
  trx: DbTransaction,
  request: { actor: Actor },
): Promise<SignedOutEverywhere> {
  const user = await lockUser(trx, request.actor.userId);
  const tokensValidAfter = signOutCutoff(user.tokens_valid_after);
  await trx
    .updateTable('users')
    .set({ tokens_valid_after: tokensValidAfter })
    .where('id', '=', user.id)
    .execute();
  await recordDomainEvent(trx, {
    type: 'user.signed_out_everywhere',
    resourceType: 'user',
    resourceId: user.id,
    organizationId: user.organization_id,
    actorUserId: user.id,
    data: { tokensValidAfter: toTimestamp(tokensValidAfter) },
  });
  return { tokensValidAfter: toTimestamp(tokensValidAfter) };
}
