import type { Db } from '@ipay/db';
import { checkPassword, type LoginLimits } from '../../auth/service';
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type Keyring } from '../../auth/service';
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
  const claims = await checkPassword(db, options, { username: input.username.toLowerCase() }, input.password);
  const { token } = signAccessToken(options.keyring, claims);
  return { token, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_SECONDS };
}
