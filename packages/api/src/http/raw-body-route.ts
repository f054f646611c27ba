import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** A webhook's handler: the body exactly as sent (empty when none), the request and the reply. */
export type RawBodyHandler = (raw: Buffer, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * Registers a POST in its own scope that reads every body as bytes, whatever its content type: providers sign
 * the exact bytes they send, so nothing may parse (and re-serialise) the body before the signature is checked.
 */
export function rawBodyRoute(
  app: FastifyInstance,
  url: string,
  handler: RawBodyHandler,
  bodyLimit = 1_048_576,
): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, next) =>
      next(null, body),
    );
    scope.post(url, (request, reply) =>
      handler((request.body as Buffer | undefined) ?? Buffer.alloc(0), request, reply),
    );
    done();
  });
}
