import { sendPasswordReset } from '../domains/auth/credentials';
import type { AuthSession } from '../domains/auth/schemas';
import { uniqueEmail } from './factories';
import type { TestPlatform } from './platform';

/** The token of the newest link of this kind mailed to this address (from the e-mail outbox). */
export async function mailedLinkToken(
  platform: TestPlatform,
  email: string,
  kind: 'invitations' | 'password-reset' | 'consumer/sign-in',
): Promise<string> {
  const mail = await platform.database.db
    .selectFrom('email_outbox')
    .select('text')
    .where('to', '=', email)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const token = new RegExp(`/${kind}/([A-Za-z0-9_-]{43})`).exec(mail.text)?.[1];
  if (!token) throw new Error(`no ${kind} link in: ${mail.text}`);
  return token;
}

/** Invites a new address into the admin's organization as a `merchant_user`; returns it and the mailed token. */
export async function inviteTestMember(
  platform: TestPlatform,
  admin: AuthSession,
  email = uniqueEmail('invitee'),
): Promise<{ email: string; token: string; invitationId: string }> {
  const role = await platform.database.db
    .selectFrom('roles')
    .select('id')
    .where('system_key', '=', 'merchant_user')
    .executeTakeFirstOrThrow();
  const invitation = await platform
    .caller({ token: admin.token })
    .auth.members.invite({ email, roleIds: [role.id] });
  return { email, token: await mailedLinkToken(platform, email, 'invitations'), invitationId: invitation.id };
}

/** Mails a password-reset link to this address as the worker's job would, and returns its token. */
export async function mailTestPasswordReset(platform: TestPlatform, email: string): Promise<string> {
  const sent = await platform.database.db
    .transaction()
    .execute((trx) => sendPasswordReset(trx, { email, publicUrl: platform.config.publicUrl }));
  if (sent !== 'sent') throw new Error(`no active account uses ${email}`);
  return mailedLinkToken(platform, email, 'password-reset');
}
