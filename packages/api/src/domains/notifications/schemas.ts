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

/** Attachments of one e-mail, all together: statement PDFs are a few hundred KB (see docs/domains/notifications.md). */
export const EMAIL_ATTACHMENTS_MAX_BYTES = 10 * 1024 * 1024;
export const EMAIL_ATTACHMENTS_MAX_COUNT = 10;

export const OutboxAttachment = z
  .object({
    id: z.uuid().describe('Download it at `/api/admin/email-outbox/{emailId}/attachments/{attachmentId}`'),
    filename: z.string(),
    contentType: z.string().describe('Its media type, e.g. `application/pdf`'),
    sizeBytes: z.int().describe('Its size in bytes'),
  })
  .meta({ id: 'OutboxAttachment' });
export type OutboxAttachment = z.infer<typeof OutboxAttachment>;

export const OutboxEmail = z
  .object({
    id: z.uuid(),
    idempotencyKey: z
      .string()
      .describe("The Idempotency-Key the provider sees: the sender's own key, else `ipay-email-<id>`"),
    to: z.string().describe('Recipient address'),
    subject: z.string(),
    text: z.string().describe('Plain-text body'),
    status: EmailStatus,
    providerMessageId: z.string().nullable().describe("The provider's id once sent (Resend's e-mail id)"),
    lastError: z.string().nullable(),
    attachments: z.array(OutboxAttachment).describe('Files sent with the e-mail, in order'),
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

export const EmailAttachmentPath = z.object({
  emailId: z.uuid().describe('Outbox e-mail id'),
  attachmentId: z.uuid().describe("Attachment id, from the e-mail's `attachments`"),
});

/** A file name a mail client shows and saves: no path, no control characters. */
const AttachmentFilename = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\\p{Cc}]+$/u, 'a file name without slashes or control characters');

export const NewEmailAttachment = z.object({
  filename: AttachmentFilename,
  contentType: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i,
      'a media type such as application/pdf',
    ),
  content: z
    .custom<Uint8Array>((value) => value instanceof Uint8Array, 'bytes (a Uint8Array or Buffer)')
    .refine((bytes) => bytes.byteLength > 0, 'an attachment has bytes'),
});
export type NewEmailAttachment = z.infer<typeof NewEmailAttachment>;

/**
 * What a domain hands to queueEmail: plain text, optionally an HTML alternative (escaped by its template) and
 * attachments (at most EMAIL_ATTACHMENTS_MAX_BYTES together). `idempotencyKey` names the e-mail: queueing the
 * same key again returns the first e-mail, and it is the key the provider dedupes sends on.
 */
export const NewEmail = z.object({
  to: z.email(),
  subject: z.string().min(1).max(500),
  text: z.string().min(1).max(100_000),
  html: z.string().min(1).max(200_000).optional(),
  attachments: z.array(NewEmailAttachment).max(EMAIL_ATTACHMENTS_MAX_COUNT).optional(),
  idempotencyKey: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/, '1 to 256 letters, digits and . _ : / -')
    .optional(),
});
export type NewEmail = z.infer<typeof NewEmail>;
