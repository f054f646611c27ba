import { TRPCError } from '@trpc/server';
import { AppError, ERROR_KINDS, type ErrorKindName } from './app-error';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE_DETAIL,
  isDatabaseUnavailable,
} from './database-unavailable';
import { fieldErrorsFromIssues, type FieldError, type Problem, type ZodLikeIssue } from './problem';

// Kept importable from here for the transports; services import it from problem.ts, which has no tRPC in it.
export { fieldErrorsFromIssues };

const PROBLEM_TYPE_BASE = 'https://api.ipay.global/problems/';

const KIND_BY_TRPC_CODE: Partial<Record<TRPCError['code'], ErrorKindName>> = {
  PARSE_ERROR: 'validation_failed',
  BAD_REQUEST: 'validation_failed',
  UNAUTHORIZED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  UNPROCESSABLE_CONTENT: 'unprocessable',
  TOO_MANY_REQUESTS: 'rate_limited',
  SERVICE_UNAVAILABLE: 'service_unavailable',
};

export interface ProblemWithHeaders {
  kind: ErrorKindName;
  problem: Problem;
  retryAfterSeconds: number | undefined;
}

function isZodError(value: unknown): value is { issues: ZodLikeIssue[] } {
  return (
    value instanceof Error &&
    Array.isArray((value as { issues?: unknown }).issues) &&
    (value.name === 'ZodError' || value.name === '$ZodError')
  );
}

function build(
  kind: ErrorKindName,
  detail: string,
  traceId: string,
  options: { code?: string; errors?: FieldError[]; retryAfterSeconds?: number } = {},
): ProblemWithHeaders {
  const { status, title } = ERROR_KINDS[kind];
  const { errors, retryAfterSeconds } = options;
  // Problems made here rather than from an AppError (tRPC, zod, 500, 503) carry their kind as the code.
  const code = options.code ?? kind;
  return {
    kind,
    problem: {
      type: `${PROBLEM_TYPE_BASE}${kind.replace(/_/g, '-')}`,
      title,
      status,
      code,
      detail,
      traceId,
      ...(errors?.length ? { errors } : {}),
    },
    retryAfterSeconds,
  };
}

/**
 * Turns anything thrown into problem details. Only AppError and input validation keep their detail:
 * every other failure is a bug whose message may hold internals, so the caller gets a generic 500.
 */
export function toProblem(error: unknown, traceId: string): ProblemWithHeaders {
  const cause = error instanceof TRPCError && error.cause ? error.cause : error;
  if (cause instanceof AppError) {
    return build(cause.kind, cause.detail, traceId, {
      code: cause.code,
      errors: cause.errors,
      retryAfterSeconds: cause.retryAfterSeconds,
    });
  }
  // Not a bug but an outage (the database is down or restarting): the same request can succeed later.
  if (isDatabaseUnavailable(cause)) {
    return build('service_unavailable', DATABASE_UNAVAILABLE_DETAIL, traceId, {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  }
  // Only input validation is the caller's fault: a ZodError anywhere else (output, stored data) is a bug.
  if (error instanceof TRPCError && error.code === 'BAD_REQUEST' && isZodError(cause)) {
    const errors = fieldErrorsFromIssues(cause.issues);
    const fields = [...new Set(errors.map((e) => e.field))].join(', ');
    return build('validation_failed', `Invalid fields: ${fields}`, traceId, { errors });
  }
  if (error instanceof TRPCError) {
    const kind = KIND_BY_TRPC_CODE[error.code];
    if (kind) return build(kind, error.message, traceId);
  }
  return build('internal', internalDetail(traceId), traceId);
}

function internalDetail(traceId: string): string {
  return `An unexpected error occurred. Quote trace id ${traceId} to support.`;
}

/**
 * A problem built before its request's trace id was known (tRPC formats errors that precede its context, such
 * as unreadable input, without one), completed by the transport that knows the request.
 */
export function withTraceId(problem: Problem, traceId: string): Problem {
  const internal = problem.type === `${PROBLEM_TYPE_BASE}internal`;
  return { ...problem, traceId, ...(internal ? { detail: internalDetail(traceId) } : {}) };
}
