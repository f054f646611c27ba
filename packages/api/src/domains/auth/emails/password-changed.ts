import type { NewEmail } from '../../notifications/schemas';
import { simpleHtmlEmail } from './html';

/** Tells the account holder their password changed, so a change they did not make does not go unnoticed. */
export function passwordChangedEmail(notice: { to: string; name: string; at: Date }): NewEmail {
  const greeting = `Hello ${notice.name},`;
  const what = `The password of your IPAY account was changed at ${notice.at.toISOString()} (UTC), and every session signed in before was signed out.`;
  const alarm =
    'If you did not do this, reset your password at once from the sign-in page and tell your administrator.';
  return {
    to: notice.to,
    subject: 'Your IPAY password was changed',
    text: [greeting, '', what, '', alarm].join('\n'),
    html: simpleHtmlEmail({ title: 'Your IPAY password was changed', paragraphs: [greeting, what, alarm] }),
  };
}
