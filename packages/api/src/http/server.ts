import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { AnyRouter } from '@trpc/server';
import helmet from 'helmet';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import type { AppDeps } from '../context';
import { AppError } from '../errors/app-error';
import { toProblem } from '../errors/to-problem';
import { DOMAINS } from '../domains';
import { buildOpenApiDocument } from '../openapi/document';
import { fastifyUrl, type RouteContext } from '../platform/domain';
import { pageRoutes, plainRoutes, serverCompanions } from '../platform/registry';
import { answerPageError, pageUrlMatcher, registerPages } from '../pages/http';
import { appRouter } from '../router';
import { answerClientError } from './client-errors';
import { fromFastifyError, MAX_PARAM_LENGTH } from './fastify-errors';
import { exceedsJsonDepth, tooDeep } from './json-depth';
import { sendProblem } from './problem-reply';
import { logServerError } from './server-errors';
import { guardRequestText } from './request-guard';
import { RequestLog } from './request-log';
import { registerRestRoutes, restPathParameters } from './rest';
import { registerTrpcRoutes, TRPC_PREFIX } from './trpc';
import { closeUnusedConnectionsOnClose } from './unused-connections';

const TRACE_ID_HEADER = 'x-trace-id';
const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Honours a caller's `x-request-id` when it is well-formed, so a trace can span systems. */
function traceIdFor(request: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
}

/** The API reads JSON only (uploads and webhooks register their own parsers in their scopes). */
function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'remove');
  app.removeAllContentTypeParsers();
  // Bodiless POSTs (run-now, approve…) are common; an empty JSON body means "no input", not an error.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    if (exceedsJsonDepth(text)) return done(tooDeep('body'), undefined);
    void parseJson(request, text, done);
  });
}

const READABLE_TYPES = ['application/json', 'multipart/form-data'];

/** Any error Fastify or a handler raises, as problem details; only the unexpected ones are logged. */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, deps: AppDeps) {
  const known =
    error instanceof AppError
      ? error
      : fromFastifyError(error, {
          bodyLimitBytes: deps.config.bodyLimitBytes,
          contentType: request.headers['content-type'],
          acceptedTypes: READABLE_TYPES.filter((type) => request.server.hasContentTypeParser(type)),
        });
  if (!known) logServerError(request, error);
  void reply.header(TRACE_ID_HEADER, request.id);
  return sendProblem(reply, toProblem(known ?? error, request.id));
}

/** Every domain's plain routes, each at the URL derived from its documented path. */
async function registerPlainRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  options: ServerOptions,
): Promise<void> {
  const routeOptions: RouteContext['options'] = { eventStream: options.eventStream };
  for (const route of plainRoutes(DOMAINS)) {
    await route.register(app, { deps, url: fastifyUrl(route.path), options: routeOptions });
  }
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
  eventStream?: RouteContext['options']['eventStream'];
  /** Sees every route as it is added (the served-routes test compares them with the OpenAPI document). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildServer(deps: AppDeps, options: ServerOptions = {}): Promise<FastifyInstance> {
  const procedures = options.router ?? appRouter;
  const { config } = deps;
  const isPageUrl = pageUrlMatcher(pageRoutes(DOMAINS));
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = Fastify({
    loggerInstance,
    genReqId: traceIdFor,
    logController: new RequestLog(config.slowRequestMs),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Failures before routing (a malformed percent-encoding, an over-long parameter) get problems too.
    frameworkErrors: (error, request, reply) => {
      if (isPageUrl(request.url)) void answerPageError(error, request, reply, deps);
      else void answerError(error, request, reply, deps);
    },
    clientErrorHandler: answerClientError(loggerInstance),
  });

  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(TRACE_ID_HEADER, request.id);
    done();
  });
  app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, deps));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      toProblem(new AppError('not_found', `No route ${request.method} ${request.url}.`), request.id),
    ),
  );
  registerJsonParser(app);
  guardRequestText(app, {
    trpcPrefix: TRPC_PREFIX,
    resolvePathParameters: restPathParameters(procedures),
  });
  closeUnusedConnectionsOnClose(app);

  if (config.securityHeaders) {
    // Built once: @fastify/helmet built the middleware (its CSP parsed again) on every request, about 3 % of the
    // CPU of an order create.
    const securityHeaders = helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: config.publicUrl.startsWith('https:') ? [] : null,
        },
      },
      strictTransportSecurity: config.publicUrl.startsWith('https:'),
    });
    app.addHook('onRequest', (request, reply, done) => {
      securityHeaders(request.raw, reply.raw, () => done());
    });
  }
  await app.register(cors, {
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins.length ? config.corsOrigins : false,
    exposedHeaders: [TRACE_ID_HEADER, 'retry-after'],
  });

  // Other processes' changes to users, roles and permissions reach this process's cached actors.
  await deps.actors.listen(deps.pool, deps.logger);
  app.addHook('onClose', () => deps.actors.stop());
  for (const companion of serverCompanions(DOMAINS)) {
    const stop = await companion(deps);
    app.addHook('onClose', () => stop());
  }

  await registerTrpcRoutes(app, deps, procedures);
  await registerPlainRoutes(app, deps, options);
  await registerPages(app, deps, pageRoutes(DOMAINS));
  await registerDocs(app, deps);
  registerRestRoutes(app, deps, procedures);
  return app;
}
