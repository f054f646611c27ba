import { z } from 'zod';
import { EmailSendError, type EmailSender, type OutgoingEmail, type SendOutcome } from './email-contract';

const TIMEOUT_MS = 10_000;

const SentEmail = z.object({ id: z.string().min(1) });
const ResendError = z.object({ message: z.string() }).partial();

async function errorMessage(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = ResendError.safeParse(body);
  return `Resend answered ${response.status}${parsed.success && parsed.data.message ? `: ${parsed.data.message}` : ''}`;
}

/**
 * Resend's `POST /emails`: Bearer API key, JSON `{ from, to, subject, text, html? }`, answers `{ id }`. Its
 * Idempotency-Key header makes a retried send within 24 h return the first e-mail instead of a second one.
 */
export function createResendSender(options: { apiKey: string; baseUrl: string }): EmailSender {
  return {
    provider: 'resend',
    async send(email: OutgoingEmail): Promise<SendOutcome> {
      let response: Response;
      try {
        response = await fetch(`${options.baseUrl}/emails`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${options.apiKey}`,
            'content-type': 'application/json',
            'idempotency-key': `ipay-email-${email.id}`,
          },
          body: JSON.stringify({
            from: email.from,
            to: [email.to],
            subject: email.subject,
            text: email.text,
            ...(email.html ? { html: email.html } : {}),
          }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        throw new EmailSendError(`Resend unreachable: ${(error as Error).message}`, true);
      }
      if (!response.ok) {
        // 429 and 5xx are Resend's to recover from; other 4xx mean this e-mail will never be accepted.
        const retryable = response.status === 429 || response.status >= 500;
        throw new EmailSendError(await errorMessage(response), retryable);
      }
      const sent = SentEmail.safeParse(await response.json().catch(() => undefined));
      if (!sent.success) throw new EmailSendError('Resend answered without an e-mail id', true);
      return { kind: 'sent', providerMessageId: sent.data.id };
    },
  };
}
