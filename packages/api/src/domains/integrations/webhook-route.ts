import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { parseParameters } from '../../http/parameters';
import { receivePlatformWebhook } from './service/webhooks';

const WebhookPath = z.object({ provider: z.string().min(1).max(50) });
// Optional: WooCommerce's unsigned activation ping may come before the URL carries the connection.
const WebhookQuery = z.object({ integration: z.uuid().optional() });

/** Shops push orders here; a plain route because signatures are computed over the exact bytes received. */
export function registerIntegrationWebhooks(app: FastifyInstance, deps: AppDeps): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 2_097_152 }, (_request, body, next) =>
      next(null, body),
    );
    scope.post('/api/integrations/:provider/webhook', async (request) => {
      const { provider } = parseParameters(WebhookPath, request.params, 'path');
      const { integration } = parseParameters(WebhookQuery, request.query, 'query');
      const receipt = await receivePlatformWebhook(deps.db, {
        provider,
        integrationId: integration,
        raw: (request.body as Buffer | undefined) ?? Buffer.alloc(0),
        headers: request.headers,
        encryptionKey: deps.encryptionKey,
      });
      return { received: true, receipt };
    });
    done();
  });
}
