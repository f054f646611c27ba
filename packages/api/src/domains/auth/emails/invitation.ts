import type { NewEmail } from '../../notifications/schemas';
import { simpleHtmlEmail } from './html';

/** The link an invitee opens: `<PUBLIC_URL>/invitations/<token>` (the page calls the invitation API). */
export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invitations/${token}`;
}

export function invitationEmail(invite: {
  to: string;
  organizationName: string;
  inviterName: string | null;
  link: string;
  expiresAt: Date;
}): NewEmail {
  const who = invite.inviterName ? `${invite.inviterName} invited you` : 'You are invited';
  const intro = `${who} to join ${invite.organizationName} on IPAY.`;
  const action = 'Open the link to choose your name and password; it works once.';
  const until = `The invitation is valid until ${invite.expiresAt.toISOString()} (UTC).`;
  const ignore = 'If you did not expect this invitation, you can ignore this e-mail.';
  return {
    to: invite.to,
    subject: `Your invitation to ${invite.organizationName} on IPAY`,
    text: [intro, '', action, invite.link, '', until, ignore].join('\n'),
    html: simpleHtmlEmail({
      title: `Join ${invite.organizationName} on IPAY`,
      paragraphs: [intro, action, until, ignore],
      link: { href: invite.link, label: 'Accept the invitation' },
    }),
  };
}
