import { z } from 'zod';

const DECIMAL_INTEGER = /^-?\d{1,15}$/;

/**
 * An integer query or path parameter: REST sends it as text ("25"), tRPC as a number. Only the literal
 * decimal form is read as a number; "1e3", " 25", "0x19" or "" stay strings and fail `schema` by name, where
 * `z.coerce.number()` let them through. (A preprocess, so the OpenAPI document shows `schema` itself.)
 */
export function integerParameter<T extends z.ZodType<number>>(schema: T) {
  return z.preprocess(
    (value: number | string) =>
      typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value,
    schema,
  );
}
