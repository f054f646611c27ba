import { z } from 'zod';
import { authorize } from '../../http/authorize';
import { parseParameters } from '../../http/parameters';
import { PROBLEM_CONTENT } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { EmailAttachmentPath } from './schemas';
import { getEmailAttachment } from './service';

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
