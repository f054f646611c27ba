import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import type { FieldError } from '../errors/problem';
import { exceedsJsonDepth, tooDeep } from './json-depth';
import { findUnstorableText } from './storable-text';

/** Names the path parameters of a wildcard route (the REST procedures) from the request's method and path. */
export type PathParameterResolver = (method: string, path: string) => Record<string, string> | undefined;

export interface RequestGuardOptions {
  /** tRPC's mount point: its bodies and `?input=` are JSON text that tRPC parses itself. */
  trpcPrefix: string;
  resolvePathParameters: PathParameterResolver;
}

/** tRPC's JSON text (a body, or `?input=`), checked as the input it will become; tRPC reports bad JSON itself. */
function trpcInputProblem(text: string): FieldError | undefined {
  if (exceedsJsonDepth(text)) throw tooDeep('input');
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return undefined;
  }
  return findUnstorableText(input, '');
}

function pathProblem(request: FastifyRequest, options: RequestGuardOptions): FieldError | undefined {
  const params = request.params as Record<string, string>;
  if (!('*' in params)) return findUnstorableText(params, 'path');
  const problem = findUnstorableText(params['*'], 'path');
  if (!problem) return undefined;
  // Naming the parameter matches the path against every REST path: done only for a path refused anyway.
  const path = request.url.split('?', 1)[0] ?? '';
  const named = options.resolvePathParameters(request.method, path);
  if (!named) return problem;
  const decoded = Object.fromEntries(
    Object.entries(named).map(([name, value]) => [name, decodeURIComponent(value)]),
  );
  return findUnstorableText(decoded, 'path') ?? problem;
}

function requestProblem(request: FastifyRequest, options: RequestGuardOptions): FieldError | undefined {
  const isTrpc = request.routeOptions.url?.startsWith(`${options.trpcPrefix}/`) ?? false;
  const query = request.query as Record<string, unknown>;
  const body: unknown = request.body;
  return (
    pathProblem(request, options) ??
    findUnstorableText(query, 'query') ??
    (isTrpc && typeof query.input === 'string' ? trpcInputProblem(query.input) : undefined) ??
    (isTrpc && typeof body === 'string' ? trpcInputProblem(body) : findUnstorableText(body, ''))
  );
}

/**
 * Every string a request brings (path and query parameters, JSON bodies of REST, tRPC and plain routes) is
 * checked here, once, before any handler or query runs: text PostgreSQL cannot store is a 400 naming the
 * field. Headers need no check: Node's parser already refuses control characters in them. Registered on
 * the root instance before any plugin, so routes inside plugins inherit it.
 */
export function guardRequestText(app: FastifyInstance, options: RequestGuardOptions): void {
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      const problem = requestProblem(request, options);
      done(problem ? AppError.validation(problem.field, problem.message, problem.code) : undefined);
    } catch (error) {
      done(error as Error);
    }
  });
}
