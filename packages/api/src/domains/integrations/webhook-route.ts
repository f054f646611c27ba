import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../context';
import { receivePlatformWebhook } from './service/webhooks';

/** Shops push orders here; a plain route because signatures are computed over the exact bytes received. */
export function registerIntegrationWebhooks(app: FastifyInstance, deps: AppDeps): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 2_097_152 }, (_request, body, next) =>
      next(null, body),
    );
    scope.post<{ Params: { provider: string }; Querystring: { integration?: string } }>(
      '/api/integrations/:provider/webhook',
      async (request) => {
        const receipt = await receivePlatformWebhook(deps.db, {
          provider: request.params.provider,
          integrationId: request.query.integration,
          raw: (request.body as Buffer | undefined) ?? Buffer.alloc(0),
          headers: request.headers,
          encryptionKey: deps.encryptionKey,
        });
        return { received: true, receipt };
      },
    );
    done();
  });
}
