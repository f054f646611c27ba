import type { Config } from '../../config';
import type { EmailSender } from './email-contract';
import { createResendSender } from './resend-client';

export { EmailSendError, type EmailSender, type OutgoingEmail, type SendOutcome } from './email-contract';

/** Without a provider the outbox table is the destination: operators read it through the admin API. */
const outboxOnly: EmailSender = {
  provider: 'outbox',
  send: () => Promise.resolve({ kind: 'kept-in-outbox' }),
};

export function createEmailSender(email: Config['email']): EmailSender {
  return email.resend ? createResendSender(email.resend) : outboxOnly;
}
