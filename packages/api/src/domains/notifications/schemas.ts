import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';

export const EMAIL_STATUSES = ['queued', 'sent', 'failed'] as const;
export const EmailStatus = z
  .enum(EMAIL_STATUSES)
  .describe(
    '`queued`: waiting for the provider, or kept in the outbox when no provider is configured; `sent`: accepted by the provider; `failed`: refused by the provider or out of retries',
  );
export type EmailStatus = z.infer<typeof EmailStatus>;

export const OutboxEmail = z
  .object({
    id: z.uuid(),
    to: z.string().describe('Recipient address'),
    subject: z.string(),
    text: z.string().describe('Plain-text body'),
    status: EmailStatus,
    providerMessageId: z.string().nullable().describe("The provider's id once sent (Resend's e-mail id)"),
    lastError: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'OutboxEmail' });
export type OutboxEmail = z.infer<typeof OutboxEmail>;

export const ListEmailOutboxInput = PageInput.extend({
  status: EmailStatus.optional().describe('Only e-mails in this status'),
  to: z.string().trim().toLowerCase().max(320).optional().describe('Only e-mails to this address'),
});
export type ListEmailOutboxInput = z.infer<typeof ListEmailOutboxInput>;
export const OutboxEmailPage = pageOf(OutboxEmail);

/** What a domain hands to queueEmail: plain text, and optionally an HTML alternative (escaped by its template). */
export const NewEmail = z.object({
  to: z.email(),
  subject: z.string().min(1).max(500),
  text: z.string().min(1).max(100_000),
  html: z.string().min(1).max(200_000).optional(),
});
export type NewEmail = z.infer<typeof NewEmail>;
