// What a sender promises, apart from email-sender.ts so the senders it picks from (resend-client.ts) import
// it without importing their own chooser back (an import cycle).

export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Uint8Array;
}

export interface OutgoingEmail {
  /** Our outbox id. */
  id: string;
  /** The provider's idempotency key: a retried send of the same e-mail is answered with the first, not sent again. */
  idempotencyKey: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  /** The HTML alternative, when the e-mail has one. */
  html: string | null;
  attachments: OutgoingAttachment[];
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
