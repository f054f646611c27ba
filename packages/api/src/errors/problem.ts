import { z } from 'zod';

export const FieldError = z
  .object({
    field: z
      .string()
      .describe('Dotted path of the offending field, e.g. `items.0.sku`; `body` for the whole body'),
    message: z.string(),
    code: z.string().optional().describe('Machine-readable reason, e.g. `too_small`'),
  })
  .meta({ id: 'FieldError' });
export type FieldError = z.infer<typeof FieldError>;

/** RFC 9457 problem details: the one error shape of every REST and tRPC response. */
export const Problem = z
  .object({
    type: z.string().describe('URI identifying the problem type'),
    title: z.string().describe('Short summary of the problem type'),
    status: z.number().int().describe('HTTP status code'),
    code: z
      .string()
      .describe(
        'Stable machine-readable code of the failure: branch on it, never on `detail`. A domain-specific code ' +
          '(e.g. `reference_taken`) or else the kind of problem (e.g. `not_found`); new codes may be added.',
      ),
    detail: z.string().describe('What went wrong with this request'),
    traceId: z.string().describe('Request id: quote it to support; also sent as the `x-trace-id` header'),
    errors: z.array(FieldError).optional().describe('Each invalid field, for validation problems'),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof Problem>;

/** The part of a zod issue a field error needs (zod 3 and 4 both fit). */
export interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
}

/** Field errors of a failed parse; lives here, not in to-problem.ts, so services can use it without tRPC. */
export function fieldErrorsFromIssues(issues: ZodLikeIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : 'body',
    message: issue.message,
    code: issue.code,
  }));
}
