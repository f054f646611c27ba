import { Resend, type ErrorResponse } from 'resend';
import { EmailSendError, type EmailSender, type OutgoingEmail, type SendOutcome } from './email-contract';

const TIMEOUT_MS = 30_000;

/**
 * Whether Resend may take this e-mail later. The library answers every failure as `{ statusCode, name, message }`:
 * `statusCode` is null when Resend was not reached or its answer was unreadable (timeouts included), and is taken
 * from Resend's JSON error body otherwise. 429 (rate or quota) and 5xx are Resend's to recover from, as is a
 * request still running under the same idempotency key (409 `concurrent_idempotent_requests`); any other 4xx
 * means this e-mail will never be accepted.
 */
function isRetryable(error: ErrorResponse): boolean {
  const status = error.statusCode;
  if (typeof status !== 'number') return true;
  if (error.name === 'concurrent_idempotent_requests') return true;
  return status === 429 || status >= 500;
}

function describe(error: ErrorResponse): string {
  if (typeof error.statusCode !== 'number') return `Resend unreachable: ${error.message}`;
  return `Resend answered ${error.statusCode}${error.message ? `: ${error.message}` : ''}`;
}

/**
 * Resend's `POST /emails` through the `resend` library, pointed at `baseUrl` by its constructor option (the
 * library would otherwise read `RESEND_BASE_URL` from the environment itself; config.ts stays the one reader).
 * Attachments go as `{ filename, content (base64), content_type }`; the Idempotency-Key header makes a retried
 * send within 24 h return the first e-mail instead of a second one.
 */
export function createResendSender(options: { apiKey: string; baseUrl: string }): EmailSender {
  const resend = new Resend(options.apiKey, { baseUrl: options.baseUrl });
  return {
    provider: 'resend',
    async send(email: OutgoingEmail): Promise<SendOutcome> {
      const { data, error } = await resend.emails.send(
        {
          from: email.from,
          to: [email.to],
          subject: email.subject,
          text: email.text,
          ...(email.html ? { html: email.html } : {}),
          ...(email.attachments.length > 0
            ? {
                attachments: email.attachments.map((attachment) => ({
                  filename: attachment.filename,
                  contentType: attachment.contentType,
                  content: attachment.content,
                })),
              }
            : {}),
        },
        { idempotencyKey: email.idempotencyKey, signal: AbortSignal.timeout(TIMEOUT_MS) },
      );
      if (error) throw new EmailSendError(describe(error), isRetryable(error));
      if (!data?.id) throw new EmailSendError('Resend answered without an e-mail id', true);
      return { kind: 'sent', providerMessageId: data.id };
    },
  };
}
