import { z } from 'zod';
import { authorize } from '../../http/authorize';
import { parseParameters } from '../../http/parameters';
import { PROBLEM_CONTENT, RAW_WEBHOOK_BODY } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { receiveResendWebhook } from './delivery';
import { EmailAttachmentPath, ResendWebhookReceipt } from './schemas';
import { getEmailAttachment } from './service';
import { rawBodyRoute } from '../../http/raw-body-route';

/**
 * `attachment; filename="…"` with an ASCII fallback and the exact name in RFC 6266's `filename*`, so quotes and
 * non-ASCII letters in a stored file name can neither break the header nor be lost.
 */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** A file download tRPC cannot carry: one attachment of an outbox e-mail, byte for byte as it is sent. */
export const emailAttachmentRoute: PlainRoute = {
  method: 'GET',
  path: '/api/admin/email-outbox/{emailId}/attachments/{attachmentId}',
  operation: {
    operationId: 'notifications-emailAttachment',
    tags: ['notifications'],
    summary: 'Download one attachment of an outbox e-mail (operators)',
    description:
      'The file exactly as it is (or was) sent, with its media type. Without RESEND_API_KEY e-mails stay in the outbox and this is where their attachments are read.',
    security: [{ bearerAuth: [] }],
    requestParams: { path: EmailAttachmentPath },
    responses: {
      200: {
        description: 'The attachment, with its own media type',
        content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
      },
      400: { description: 'Invalid id', content: PROBLEM_CONTENT },
      401: { description: 'Authentication required', content: PROBLEM_CONTENT },
      403: { description: 'Forbidden', content: PROBLEM_CONTENT },
      404: { description: 'No such e-mail or attachment', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const { scope } = await authorize(deps, request, 'notifications', 'read');
      const { emailId, attachmentId } = parseParameters(EmailAttachmentPath, request.params, 'path');
      const file = await getEmailAttachment(deps.db, { scope, emailId, attachmentId });
      return reply
        .type(file.contentType)
        .header('content-disposition', contentDisposition(file.filename))
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    });
  },
};

/** Resend's delivery events: a plain route because Svix signs the exact bytes received. */
export const resendWebhookRoute: PlainRoute = {
  method: 'POST',
  path: '/api/webhooks/resend',
  operation: {
    operationId: 'notifications-resendWebhook',
    tags: ['notifications'],
    summary: "Resend's e-mail delivery events (Svix-Signature verified on the raw body)",
    description:
      'email.sent, email.delivered, email.delivery_delayed, email.bounced and email.complained set the delivery status of the outbox e-mail Resend sent under that id, by the event’s own time (a late older event never overwrites a newer status). Each Svix-Id is processed once; a replay answers `duplicate` and changes nothing. Point a Resend webhook at `<PUBLIC_URL>/api/webhooks/resend` and set RESEND_WEBHOOK_SECRET to its signing secret.',
    requestParams: {
      header: z.object({
        'svix-id': z.string().describe('The event id, the same on every retry'),
        'svix-timestamp': z.string().describe('Unix seconds; refused more than 5 minutes away'),
        'svix-signature': z
          .string()
          .describe('`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, space-separated'),
      }),
    },
    requestBody: RAW_WEBHOOK_BODY,
    responses: {
      200: { description: 'Received', content: { 'application/json': { schema: ResendWebhookReceipt } } },
      400: { description: 'Signed, but not a Resend e-mail event', content: PROBLEM_CONTENT },
      401: { description: 'Missing, forged or stale signature; nothing stored', content: PROBLEM_CONTENT },
      503: { description: 'RESEND_WEBHOOK_SECRET is not set', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    rawBodyRoute(app, url, async (raw, request) => {
      const receipt = await receiveResendWebhook(deps.db, {
        secret: deps.config.email.resendWebhookSecret,
        raw,
        headers: request.headers,
      });
      return { received: true, receipt };
    });
  },
};
