import { defineErrorCodes } from '../../errors/domain-codes';

/** The notifications domain's own failure codes; every other notifications failure carries its kind as the code. */
export const NOTIFICATIONS_ERRORS = defineErrorCodes({
  email_attachments_too_large: {
    kind: 'payload_too_large',
    description:
      "An e-mail's attachments together exceed the limit (EMAIL_ATTACHMENTS_MAX_BYTES, 10 MiB); nothing was queued.",
  },
  resend_webhook_not_configured: {
    kind: 'service_unavailable',
    description:
      "Resend's delivery events cannot be verified: RESEND_WEBHOOK_SECRET (the webhook's `whsec_…` signing secret) is not set.",
  },
  resend_signature_invalid: {
    kind: 'unauthenticated',
    description:
      'A Resend event whose Svix-Id, Svix-Timestamp or Svix-Signature is missing, forged or older than 5 minutes; nothing was stored.',
  },
  email_attachment_not_found: {
    kind: 'not_found',
    description: 'No such e-mail in the outbox, or it has no attachment with that id.',
  },
});
