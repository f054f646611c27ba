import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { getMigrationStatus } from '@ipay/db';
import type { AnyRouter } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { sql } from 'kysely';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { createRequestContext, type AppDeps } from '../context';
import type { EventStreamSettings } from '../domains/events/event-stream';
import { registerEventStream } from '../domains/events/stream-route';
import { AppError } from '../errors/app-error';
import { toProblem } from '../errors/to-problem';
import { buildOpenApiDocument } from '../openapi/document';
import { registerIntegrationWebhooks } from '../domains/integrations/webhook-route';
import { registerOrderFileRoutes } from '../domains/orders/routes';
import { registerOrderUploadRoutes } from '../domains/orders/upload/routes';
import { registerPaymentWebhooks } from '../domains/payments/routes';
import { appRouter } from '../router';
import { fromFastifyError } from './fastify-errors';
import { sendProblem } from './problem-reply';
import { registerRestRoutes } from './rest';
import { closeUnusedConnectionsOnClose } from './unused-connections';

const TRACE_ID_HEADER = 'x-trace-id';
const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Honours a caller's `x-request-id` when it is well-formed, so a trace can span systems. */
function traceIdFor(request: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'remove');
  app.removeContentTypeParser('application/json');
  // Bodiless POSTs (run-now, approve…) are common; an empty JSON body means "no input", not an error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    void parseJson(request, text, done);
  });
}

function registerHealthRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await sql`select 1`.execute(deps.db);
      const migrations = await getMigrationStatus(deps.db);
      if (!migrations.current) {
        const detail = `Pending migrations: ${migrations.pending.join(', ')}.`;
        return sendProblem(reply, toProblem(new AppError('service_unavailable', detail), request.id));
      }
      return { status: 'ready', migrations: 'current' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return sendProblem(
        reply,
        toProblem(new AppError('service_unavailable', 'The database is not reachable.'), request.id),
      );
    }
  });
}

async function registerDocs(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const document = buildOpenApiDocument(deps.config.publicUrl);
  app.get('/api/openapi.json', () => document);
  await app.register(swagger, { mode: 'static', specification: { document: document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    uiConfig: { url: '/api/openapi.json', deepLinking: true, persistAuthorization: true },
  });
}

export interface ServerOptions {
  /** The procedures to serve; tests add their own next to the product's. */
  router?: AnyRouter;
  /** Live event stream tuning; tests shorten the heartbeat. */
  eventStream?: Partial<EventStreamSettings>;
}

export async function buildServer(deps: AppDeps, options: ServerOptions = {}): Promise<FastifyInstance> {
  const procedures = options.router ?? appRouter;
  const { config } = deps;
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    genReqId: traceIdFor,
    logController: new LogController({ requestIdLogLabel: 'traceId' }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(TRACE_ID_HEADER, request.id);
    done();
  });
  app.setErrorHandler((error, request, reply) => {
    const known =
      error instanceof AppError
        ? error
        : fromFastifyError(
            error as { code?: string; statusCode?: number; message: string },
            config.bodyLimitBytes,
          );
    if (!known) request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, toProblem(known ?? error, request.id));
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      toProblem(new AppError('not_found', `No route ${request.method} ${request.url}.`), request.id),
    ),
  );
  registerJsonParser(app);
  closeUnusedConnectionsOnClose(app);

  if (config.securityHeaders) {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.publicUrl.startsWith('https:') ? [] : null,
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https:'),
    });
  }
  await app.register(cors, {
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins.length ? config.corsOrigins : false,
    exposedHeaders: [TRACE_ID_HEADER, 'retry-after'],
  });

  registerHealthRoutes(app, deps);
  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: procedures,
      createContext: ({ req }: { req: FastifyRequest }) =>
        createRequestContext(deps, { traceId: req.id, ip: req.ip, headers: req.headers, logger: req.log }),
      // The problem travels in tRPC's body; the wait it asks for (a rate limit, an outage) belongs in the header too.
      responseMeta: ({ errors }: { errors: readonly unknown[] }) => {
        const retryAfter = errors.map((error) => toProblem(error, '').retryAfterSeconds).find(Boolean);
        return retryAfter ? { headers: { 'retry-after': String(retryAfter) } } : {};
      },
    },
  });
  registerPaymentWebhooks(app, deps);
  registerOrderFileRoutes(app, deps);
  registerIntegrationWebhooks(app, deps);
  await registerOrderUploadRoutes(app, deps);
  await registerDocs(app, deps);
  registerEventStream(app, deps, options.eventStream);
  registerRestRoutes(app, deps, procedures);
  return app;
}
