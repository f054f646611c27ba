import { defineErrorCodes } from '../../errors/domain-codes';

/** The notifications domain's own failure codes; every other notifications failure carries its kind as the code. */
export const NOTIFICATIONS_ERRORS = defineErrorCodes({
  email_attachments_too_large: {
    kind: 'payload_too_large',
    description:
      "An e-mail's attachments together exceed the limit (EMAIL_ATTACHMENTS_MAX_BYTES, 10 MiB); nothing was queued.",
  },
  email_attachment_not_found: {
    kind: 'not_found',
    description: 'No such e-mail in the outbox, or it has no attachment with that id.',
  },
});
