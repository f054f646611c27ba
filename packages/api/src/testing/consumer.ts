import type { ConsumerSession } from '../domains/consumer/schemas';
import { mailedLinkToken } from './auth-links';
import { uniqueEmail } from './factories';
import type { TestPlatform } from './platform';

export interface TestConsumer extends ConsumerSession {
  email: string;
}

let clients = 0;

/**
 * A consumer signed in the way a person is: a magic link requested for the address (from a client address of
 * its own, so tests do not share a rate-limit budget), its token read from the e-mail outbox, and redeemed.
 * `token` is the consumer JWT for `Authorization: Bearer`.
 */
export async function signInTestConsumer(
  platform: TestPlatform,
  email: string = uniqueEmail('consumer'),
): Promise<TestConsumer> {
  clients += 1;
  const ip = `198.51.100.${1 + (clients % 250)}`;
  await platform.caller({ ip }).consumer.requestMagicLink({ email });
  const linkToken = await mailedLinkToken(platform, email.toLowerCase(), 'consumer/sign-in');
  const session = await platform.caller({ ip }).consumer.redeemMagicLink({ token: linkToken });
  return { ...session, email: email.toLowerCase() };
}
