import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AnyRouter, TRPCError } from '@trpc/server';
import { fastifyTRPCOpenApiPlugin, type OpenApiMeta, type OpenApiRouter } from 'trpc-to-openapi';
import type { AppDeps } from '../context';
import type { ProcedureMeta } from '../trpc/init';
import { createRequestContext } from '../context';
import { Problem } from '../errors/problem';
import { withTraceId } from '../errors/to-problem';
import { PROBLEM_CONTENT_TYPE } from './problem-reply';
import type { PathParameterResolver } from './request-guard';
import { keepDeclaredCoercion } from './no-implicit-coercion';
import { logServerError } from './server-errors';

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
      problem: JSON.stringify(withTraceId(problem.data, traceId)),
      status: problem.data.status,
      retryAfter: body.data?.retryAfterSeconds,
    };
  } catch {
    return undefined;
  }
}

/**
 * The named path parameters of the REST procedure a request reaches, matched as trpc-to-openapi matches them
 * (first declared path wins, on the still percent-encoded path).
 */
export function restPathParameters(procedures: AnyRouter): PathParameterResolver {
  const routes = Object.values(procedures._def.procedures as Record<string, unknown>).flatMap((procedure) => {
    const openapi = (procedure as { _def: { meta?: OpenApiMeta } })._def.meta?.openapi;
    if (!openapi) return [];
    const pattern = openapi.path.replace(/\/$/, '').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)');
    return [{ method: openapi.method, pattern: new RegExp(`^${pattern}$`, 'i') }];
  });
  return (method, path) => {
    const normalized = path.length > 1 ? path.replace(/\/$/, '') : path;
    const route = routes.find((r) => r.method === method && r.pattern.test(normalized));
    return route ? { ...route.pattern.exec(normalized)?.groups } : undefined;
  };
}

/** The REST success status of each procedure path whose `successStatus` is not 200 (e.g. `auth.x` → 202). */
function successStatuses(procedures: AnyRouter): Map<string, number> {
  const statuses = new Map<string, number>();
  for (const [path, procedure] of Object.entries(procedures._def.procedures as Record<string, unknown>)) {
    const status = (procedure as { _def: { meta?: ProcedureMeta } })._def.meta?.successStatus;
    if (status) statuses.set(path, status);
  }
  return statuses;
}

/**
 * The tRPC procedures as REST, at the paths of their `openapi` meta. Mounted at the root so paths outside
 * /api (the iQpay contract) work too; unknown paths answer a 404 problem.
 */
export function registerRestRoutes(app: FastifyInstance, deps: AppDeps, procedures: AnyRouter): void {
  keepDeclaredCoercion(procedures);
  const statuses = successStatuses(procedures);
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
      onError: ({ error, req }: { error: TRPCError; req: FastifyRequest }) => logServerError(req, error),
      responseMeta: ({ paths, errors }: { paths?: readonly string[]; errors: readonly unknown[] }) => {
        const status = !errors.length && paths?.[0] ? statuses.get(paths[0]) : undefined;
        return status ? { status } : {};
      },
      createContext: ({ req }: { req: FastifyRequest }) =>
        createRequestContext(deps, { traceId: req.id, ip: req.ip, headers: req.headers, logger: req.log }),
    });
    done();
  });
}
