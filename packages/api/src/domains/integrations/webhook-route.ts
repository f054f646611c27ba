import { z } from 'zod';
import { parseParameters } from '../../http/parameters';
import { PROBLEM_CONTENT, RAW_WEBHOOK_BODY } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import { receivePlatformWebhook } from './service/webhooks';
import { rawBodyRoute } from '../../http/raw-body-route';

const WebhookPath = z.object({ provider: z.string().min(1).max(50) });
// Optional: WooCommerce's unsigned activation ping may come before the URL carries the connection.
const WebhookQuery = z.object({ integration: z.uuid().optional() });

/** Shops push orders here; a plain route because signatures are computed over the exact bytes received. */
export const shopWebhookRoute: PlainRoute = {
  method: 'POST',
  path: '/api/integrations/{provider}/webhook',
  operation: {
    operationId: 'integrations-webhook',
    tags: ['integrations'],
    summary: "A shop's order push, verified with the provider's own signature scheme on the raw body",
    description:
      'Point the shop at the `webhook_path` of GET /api/integrations/{provider}. Shopify (X-Shopify-Hmac-Sha256) and WooCommerce (X-WC-Webhook-Signature; its unsigned ping answers 200) are verified with the connection secret, deduplicated on the delivery id and imported by a job.',
    requestParams: {
      path: z.object({ provider: z.string() }),
      query: z.object({ integration: z.uuid().describe('The connection, from webhook_path') }),
    },
    requestBody: RAW_WEBHOOK_BODY,
    responses: {
      200: {
        description: 'Received',
        content: {
          'application/json': {
            schema: z.object({
              received: z.literal(true),
              receipt: z.enum(['ping', 'accepted', 'duplicate']),
            }),
          },
        },
      },
      401: { description: 'Bad or missing signature; nothing stored', content: PROBLEM_CONTENT },
      404: { description: 'Unknown provider', content: PROBLEM_CONTENT },
      409: { description: 'This provider does not push webhooks', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    rawBodyRoute(
      app,
      url,
      async (raw, request) => {
        const { provider } = parseParameters(WebhookPath, request.params, 'path');
        const { integration } = parseParameters(WebhookQuery, request.query, 'query');
        const receipt = await receivePlatformWebhook(deps.db, {
          provider,
          integrationId: integration,
          raw,
          headers: request.headers,
          encryptionKey: deps.encryptionKey,
        });
        return { received: true, receipt };
      },
      2_097_152,
    );
  },
};
