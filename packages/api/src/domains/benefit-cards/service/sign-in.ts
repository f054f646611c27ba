import type { Db } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { consumeRateLimit } from '../../../platform/rate-limit';
import { verifyPassword } from '../../auth/passwords';
import { hashForUnknownUser, type LoginLimits } from '../../auth/service';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type Keyring } from '../../auth/tokens';
import type { SignInInput, SignInOutput } from '../schemas';

/**
 * The iQpay sign-in: a sponsor user's username and password for the platform's own JWT. Limited like the
 * e-mail login, per client address and per account; every failure is the same 401 without a hint.
 */
export async function signInSponsorUser(
  db: Db,
  options: { keyring: Keyring; limits: LoginLimits; clientIp: string },
  input: SignInInput,
): Promise<SignInOutput> {
  const { limit, windowSeconds } = options.limits;
  const username = input.username.toLowerCase();
  await consumeRateLimit(db, { key: `login:ip:${options.clientIp}`, limit, windowSeconds });
  await consumeRateLimit(db, { key: `login:username:${username}`, limit: limit * 2, windowSeconds });

  const user = await db
    .selectFrom('users')
    .select(['id', 'organization_id', 'password_hash', 'status'])
    .where('username', '=', username)
    .executeTakeFirst();
  const passwordMatches = await verifyPassword(
    input.password,
    user?.password_hash ?? (await hashForUnknownUser()),
  );
  if (!user || !passwordMatches || user.status !== 'active') {
    throw new AppError('unauthenticated', 'The username or password is incorrect.');
  }
  await db.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
  const { token } = signAccessToken(options.keyring, {
    userId: user.id,
    organizationId: user.organization_id,
  });
  return { token, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}
