import type { z } from 'zod';
import { AppError } from '../errors/app-error';
import { fieldErrorsFromIssues } from '../errors/to-problem';

/**
 * A plain route's path or query parameters, read through their schema before anything uses them: a
 * malformed one (not a UUID, repeated, missing) is a 400 naming it, e.g. `query.integration`.
 */
export function parseParameters<T extends z.ZodType>(
  schema: T,
  values: unknown,
  location: 'path' | 'query',
): z.output<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const errors = fieldErrorsFromIssues(parsed.error.issues).map((error) => ({
    ...error,
    field: error.field === 'body' ? location : `${location}.${error.field}`,
  }));
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  throw new AppError('validation_failed', `Invalid parameters: ${fields}`, { errors });
}
