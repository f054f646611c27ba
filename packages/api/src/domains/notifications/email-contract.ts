// What a sender promises, apart from email-sender.ts so the senders it picks from (resend-client.ts) import
// it without importing their own chooser back (an import cycle).

export interface OutgoingEmail {
  /** Our outbox id; also the provider's idempotency key, so a retried send is not a second e-mail. */
  id: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The HTML alternative, when the e-mail has one. */
  html: string | null;
}

export type SendOutcome = { kind: 'sent'; providerMessageId: string } | { kind: 'kept-in-outbox' };

/** Thrown by a sender; `retryable` failures are tried again later, the others fail the e-mail for good. */
export class EmailSendError extends Error {
  override name = 'EmailSendError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface EmailSender {
  readonly provider: 'resend' | 'outbox';
  send(email: OutgoingEmail): Promise<SendOutcome>;
}
