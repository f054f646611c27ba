import type { FastifyRequest } from 'fastify';
import { toProblem } from '../errors/to-problem';

/**
 * Logs a failure that answers 5xx, with its stack, on the request's logger (so under its trace id): the caller
 * only gets the trace id. The transports call it where they know the request, which tRPC's errorFormatter
 * does not when the failure comes before its context.
 */
export function logServerError(request: FastifyRequest, error: unknown): void {
  const { kind, problem } = toProblem(error, request.id);
  if (problem.status < 500) return;
  const cause = error instanceof Error && error.cause ? error.cause : error;
  // An outage answers every request 503 until it heals: one short line each, the supervisor logs the cause.
  if (kind === 'service_unavailable') {
    request.log.warn(`request answered 503: ${problem.detail}`);
    return;
  }
  request.log.error({ err: cause }, 'request failed');
}
