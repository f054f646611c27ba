import type { FieldError, Problem } from '@ipay/api/problem';

/** Every failed call with a problem-details answer: the same fields the REST API returns. */
export class IpayApiError extends Error implements Problem {
  override name = 'IpayApiError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** Stable machine-readable code (`reference_taken`, `not_found`, …): branch on this, not on `detail`. */
  readonly code: string;
  readonly detail: string;
  readonly traceId: string;
  readonly errors: FieldError[] | undefined;

  constructor(problem: Problem, options?: { cause?: unknown }) {
    super(`${problem.status} ${problem.title}: ${problem.detail} (trace ${problem.traceId})`, options);
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.traceId = problem.traceId;
    this.errors = problem.errors;
  }

  /** The message for one field, e.g. `error.fieldError('email')`. */
  fieldError(field: string): string | undefined {
    return this.errors?.find((e) => e.field === field)?.message;
  }
}

function problemOf(error: unknown): Problem | undefined {
  const data = (error as { data?: { problem?: Problem } } | undefined)?.data;
  return data?.problem && typeof data.problem.status === 'number' ? data.problem : undefined;
}

export function toIpayApiError(error: unknown): unknown {
  const problem = problemOf(error);
  return problem ? new IpayApiError(problem, { cause: error }) : error;
}
