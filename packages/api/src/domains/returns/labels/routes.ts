import { z } from 'zod';
import { parseParameters } from '../../../http/parameters';
import { PROBLEM_CONTENT, RAW_WEBHOOK_BODY } from '../../../openapi/operation-parts';
import type { PlainRoute } from '../../../platform/domain';
import { receiveSendcloudReturnsWebhook } from '../sendcloud/webhook';
import { ReturnTokenPath, SendcloudWebhookReceipt } from './schemas';
import { getPortalLabel } from './service';
import { rawBodyRoute } from '../../../http/raw-body-route';

/** The consumer's label, linked from the return portal: a PDF, which tRPC cannot carry. */
export const returnLabelDownloadRoute: PlainRoute = {
  method: 'GET',
  path: '/api/returns/{token}/label',
  operation: {
    operationId: 'returns-label',
    tags: ['returns'],
    summary:
      'The return label as PDF: the carrier’s label with the IPAY overlay (QR of this return, the warning)',
    description:
      'Public: the return token is the credential. 404 until `POST /api/labels/create` made the label. The bytes never change once made (`x-content-sha256`).',
    security: [],
    requestParams: { path: ReturnTokenPath },
    responses: {
      200: {
        description: 'The composite label',
        content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
      },
      400: { description: 'Malformed token', content: PROBLEM_CONTENT },
      404: { description: 'No such return, or no label yet', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    app.get(url, async (request, reply) => {
      const { token } = parseParameters(ReturnTokenPath, request.params, 'path');
      const label = await getPortalLabel(deps.db, token);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${label.fileName}"`)
        .header('x-content-sha256', label.sha256)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(label.pdf);
    });
  },
};

/** Sendcloud's carrier scans; a plain route because the signature is computed over the exact bytes received. */
export const sendcloudReturnsWebhookRoute: PlainRoute = {
  method: 'POST',
  path: '/api/webhooks/sendcloud/returns',
  operation: {
    operationId: 'returns-sendcloud-webhook',
    tags: ['returns'],
    summary: 'Sendcloud’s parcel_status_changed for return parcels, verified by Sendcloud-Signature',
    description:
      '`Sendcloud-Signature` is the HMAC-SHA256 (hex) of the raw body with the integration’s secret key, checked in constant time before anything is stored. Each (parcel, status, carrier time) counts once; a scan moves the return forward only (IN_TRANSIT, RECEIVED), by `carrier_status_change_timestamp`, so late or replayed scans change nothing. Other actions and parcels that are not return labels answer `ignored`.',
    security: [],
    requestBody: RAW_WEBHOOK_BODY,
    responses: {
      200: { description: 'Received', content: { 'application/json': { schema: SendcloudWebhookReceipt } } },
      400: { description: 'Not JSON, or not the shape Sendcloud sends', content: PROBLEM_CONTENT },
      401: { description: 'Bad or missing signature; nothing stored', content: PROBLEM_CONTENT },
      503: { description: 'No Sendcloud secret configured to verify with', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    rawBodyRoute(app, url, async (raw, request) => {
      const receipt = await receiveSendcloudReturnsWebhook(deps.db, {
        raw,
        headers: request.headers,
        secret: deps.config.sendcloudWebhookSecret,
      });
      return { received: true, receipt };
    });
  },
};
