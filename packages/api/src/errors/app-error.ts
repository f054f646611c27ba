import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';
import type { FieldError } from './problem';

interface ErrorKind {
  status: number;
  title: string;
  /** The closest tRPC code, for the tRPC surface; REST always answers with `status`. */
  trpc: TRPC_ERROR_CODE_KEY;
}

/** Every error the product raises on purpose, with its HTTP status; the single table for REST, tRPC and OpenAPI. */
export const ERROR_KINDS = {
  // A field or parameter failed validation; `errors` lists each one.
  validation_failed: { status: 400, title: 'Invalid request', trpc: 'BAD_REQUEST' },
  // No credentials, or credentials that are invalid or expired.
  unauthenticated: { status: 401, title: 'Authentication required', trpc: 'UNAUTHORIZED' },
  // Authenticated, but the roles do not grant this permission or data scope.
  forbidden: { status: 403, title: 'Forbidden', trpc: 'FORBIDDEN' },
  // The resource does not exist or is outside the caller's data scope.
  not_found: { status: 404, title: 'Not found', trpc: 'NOT_FOUND' },
  // The client did not send its whole request in time (answered before any route is reached).
  request_timeout: { status: 408, title: 'Request timeout', trpc: 'TIMEOUT' },
  // The request conflicts with the current state (duplicate, illegal transition, reused idempotency key).
  conflict: { status: 409, title: 'Conflict', trpc: 'CONFLICT' },
  // The resource existed but is no longer usable (an expired or already used single-use link).
  gone: { status: 410, title: 'Gone', trpc: 'NOT_FOUND' },
  // The body exceeds the configured limit.
  payload_too_large: { status: 413, title: 'Payload too large', trpc: 'PAYLOAD_TOO_LARGE' },
  // The body is not JSON (or not the content type the endpoint takes).
  unsupported_media_type: { status: 415, title: 'Unsupported media type', trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  // Well-formed but semantically unprocessable (a file with bad rows, a wrong OTP).
  unprocessable: { status: 422, title: 'Unprocessable content', trpc: 'UNPROCESSABLE_CONTENT' },
  // The resource is locked until someone with more rights acts (too many wrong OTPs).
  locked: { status: 423, title: 'Locked', trpc: 'PRECONDITION_FAILED' },
  // A rate limit was hit; `Retry-After` says when to try again.
  rate_limited: { status: 429, title: 'Too many requests', trpc: 'TOO_MANY_REQUESTS' },
  // The request's headers exceed the server's limit (answered before any route is reached).
  headers_too_large: { status: 431, title: 'Request header fields too large', trpc: 'BAD_REQUEST' },
  // A bug or an unexpected failure; details are only in the logs, under the traceId.
  internal: { status: 500, title: 'Internal server error', trpc: 'INTERNAL_SERVER_ERROR' },
  // An outside service is not configured or not answering.
  service_unavailable: { status: 503, title: 'Service unavailable', trpc: 'SERVICE_UNAVAILABLE' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorKindName = keyof typeof ERROR_KINDS;

export interface AppErrorOptions {
  /** The stable machine-readable code of this failure; a domain's own from its `errors.ts`, else the kind's name. */
  code?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The product's one error type: services throw it, transports turn it into problem details. */
export class AppError extends Error {
  override name = 'AppError';
  /** What clients branch on: a domain code (`reference_taken`) or, by default, the kind (`not_found`). */
  readonly code: string;
  readonly errors: FieldError[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly kind: ErrorKindName,
    readonly detail: string,
    options: AppErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.code = options.code ?? kind;
    this.errors = options.errors;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_KINDS[this.kind].status;
  }

  static validation(field: string, message: string, code?: string): AppError {
    return new AppError('validation_failed', `${field}: ${message}`, { errors: [{ field, message, code }] });
  }
}
