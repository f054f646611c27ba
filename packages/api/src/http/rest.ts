import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AnyRouter } from '@trpc/server';
import { fastifyTRPCOpenApiPlugin, type OpenApiRouter } from 'trpc-to-openapi';
import type { AppDeps } from '../context';
import { createRequestContext } from '../context';
import { Problem } from '../errors/problem';
import { PROBLEM_CONTENT_TYPE } from './problem-reply';

/** trpc-to-openapi wraps our error shape in its own body; callers get only the problem details. */
function problemFromBody(
  payload: unknown,
  traceId: string,
): { problem: string; status: number; retryAfter?: number } | undefined {
  if (typeof payload !== 'string') return undefined;
  try {
    const body = JSON.parse(payload) as { data?: { problem?: unknown; retryAfterSeconds?: number } };
    const problem = Problem.safeParse(body.data?.problem);
    if (!problem.success) return undefined;
    return {
      problem: JSON.stringify({ ...problem.data, traceId }),
      status: problem.data.status,
      retryAfter: body.data?.retryAfterSeconds,
    };
  } catch {
    return undefined;
  }
}

/**
 * The tRPC procedures as REST, at the paths of their `openapi` meta. Mounted at the root so paths outside
 * /api (the iQpay contract) work too; unknown paths answer a 404 problem.
 */
export function registerRestRoutes(app: FastifyInstance, deps: AppDeps, procedures: AnyRouter): void {
  void app.register((scope, _options, done) => {
    // A bodiless POST (create-session, cancel, run-now) needs no Content-Type; trpc-to-openapi insists on one.
    scope.addHook('onRequest', (request, _reply, next) => {
      const bodiless = !request.headers['content-length'] || request.headers['content-length'] === '0';
      if (bodiless && !request.headers['transfer-encoding'] && !request.headers['content-type']) {
        request.headers['content-type'] = 'application/json';
      }
      next();
    });
    scope.addHook('onSend', (request, reply, payload, next) => {
      if (reply.statusCode < 400) return next(null, payload);
      const converted = problemFromBody(payload, request.id);
      if (!converted) return next(null, payload);
      void reply.code(converted.status).header('content-type', PROBLEM_CONTENT_TYPE);
      if (converted.retryAfter) void reply.header('retry-after', String(converted.retryAfter));
      next(null, converted.problem);
    });
    void scope.register(fastifyTRPCOpenApiPlugin, {
      basePath: '/',
      router: procedures as OpenApiRouter,
      createContext: ({ req }: { req: FastifyRequest }) =>
        createRequestContext(deps, { traceId: req.id, ip: req.ip, headers: req.headers, logger: req.log }),
    });
    done();
  });
}
