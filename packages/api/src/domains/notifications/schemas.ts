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

export const EMAIL_DELIVERY_STATUSES = [
  'sent',
  'delivered',
  'delivery_delayed',
  'bounced',
  'complained',
] as const;
export const EmailDeliveryStatus = z
  .enum(EMAIL_DELIVERY_STATUSES)
  .describe(
    "What the recipient's mail server made of a sent e-mail, by Resend's newest event: `sent` (handed to it), `delivered`, `delivery_delayed` (still trying), `bounced` (refused for good), `complained` (marked as spam)",
  );
export type EmailDeliveryStatus = z.infer<typeof EmailDeliveryStatus>;

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
    deliveryStatus: EmailDeliveryStatus.nullable().describe(
      "Resend's newest word on the e-mail once sent (see EmailDelivery); null until it reports",
    ),
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
 * same key again returns the first e-mail, and it is the key the provider dedupes sends on. `regarding` names what
 * the e-mail is about (`{ kind: 'order', id }`), so the domain that shows it finds it with emailsRegarding.
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
  regarding: z
    .object({ kind: z.string().regex(/^[a-z][a-z_-]{0,49}$/), id: z.string().min(1).max(200) })
    .optional(),
});
export type NewEmail = z.infer<typeof NewEmail>;

/** Resend's event types this platform acts on; anything else Resend sends is acknowledged and ignored. */
export const RESEND_DELIVERY_EVENTS = {
  'email.sent': 'sent',
  'email.delivered': 'delivered',
  'email.delivery_delayed': 'delivery_delayed',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
} as const satisfies Record<string, EmailDeliveryStatus>;

/** Resend's webhook body, as far as it is read: the event's type and time, and which e-mail it is about. */
export const ResendEvent = z.object({
  type: z.string().min(1).max(100),
  created_at: z.iso.datetime({ offset: true }).describe('When the event happened, at Resend'),
  data: z.object({
    email_id: z.string().min(1).max(200),
    bounce: z
      .object({
        type: z.string().optional(),
        subType: z.string().optional(),
        message: z.string().optional(),
      })
      .optional(),
  }),
});
export type ResendEvent = z.infer<typeof ResendEvent>;

export const ResendWebhookReceipt = z
  .object({
    received: z.literal(true),
    receipt: z
      .enum(['applied', 'stale', 'duplicate', 'unknown_email', 'ignored'])
      .describe(
        '`applied`: the e-mail’s delivery status changed; `stale`: recorded in its history, older than its status; `duplicate`: this svix id was processed before; `unknown_email`: no outbox e-mail has this Resend id (recorded); `ignored`: an event type not tracked',
      ),
  })
  .meta({ id: 'ResendWebhookReceipt' });
export type ResendWebhookReceipt = z.infer<typeof ResendWebhookReceipt>;

export const EmailDeliveryEvent = z.object({
  status: EmailDeliveryStatus,
  occurredAt: Timestamp.describe('When it happened, by Resend’s clock'),
  detail: z.string().nullable().describe('For a bounce: its type and the mail server’s message'),
});

/** One e-mail as the domain it is about shows it (an order's e-mails): no body, with its delivery. */
export const EmailDelivery = z
  .object({
    id: z.uuid().describe('The outbox e-mail'),
    to: z.string().describe('Recipient address'),
    subject: z.string(),
    status: EmailStatus,
    providerMessageId: z.string().nullable().describe("Resend's e-mail id, once Resend accepted it"),
    deliveryStatus: EmailDeliveryStatus.nullable().describe(
      'Null until Resend reports on the e-mail (and always without Resend)',
    ),
    deliveryStatusAt: Timestamp.nullable(),
    delivered: z
      .boolean()
      .nullable()
      .describe(
        'false when bounced, true when delivered (also when later marked as spam), null while not known',
      ),
    history: z.array(EmailDeliveryEvent).describe('Every event Resend reported, oldest first'),
    createdAt: Timestamp,
  })
  .meta({ id: 'EmailDelivery' });
export type EmailDelivery = z.infer<typeof EmailDelivery>;
