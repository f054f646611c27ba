import type { NewEmail } from '../../notifications/schemas';
import { simpleHtmlEmail } from './html';

/** The link in a password-reset e-mail: `<PUBLIC_URL>/password-reset/<token>`. */
export function passwordResetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/password-reset/${token}`;
}

export function passwordResetEmail(reset: { to: string; name: string; link: string }): NewEmail {
  const greeting = `Hello ${reset.name},`;
  const intro = 'Someone asked to reset the password of your IPAY account.';
  const action = 'Open the link within 30 minutes to choose a new password; it works once.';
  const ignore = 'If it was not you, ignore this e-mail: your password stays as it is.';
  return {
    to: reset.to,
    subject: 'Reset your IPAY password',
    text: [greeting, '', intro, action, reset.link, '', ignore].join('\n'),
    html: simpleHtmlEmail({
      title: 'Reset your IPAY password',
      paragraphs: [greeting, intro, action, ignore],
      link: { href: reset.link, label: 'Choose a new password' },
    }),
  };
}
