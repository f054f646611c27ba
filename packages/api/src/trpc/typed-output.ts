import { z } from 'zod';

/**
 * The one way a procedure's answer skips tRPC's run-time output check: `.output(typedOutput(Schema))`. Only for
 * a hot procedure whose large answer is built entirely by typed code from data validated on the way in (the cost
 * preview: 488 breakdowns, some 3,400 objects, which zod walked and copied again on every request). The schema
 * still types the resolver's return (tRPC infers the output from it) and documents the answer (OpenAPI, under
 * the same component id); the procedure's tests parse real answers with the schema itself. Anything whose output
 * comes from rows, files or other processes keeps the plain `.output(Schema)`.
 *
 * The result is the schema with `parse`/`parseAsync` (what tRPC's output middleware calls) returning the value as
 * it is; it is meant for `.output()` only. One per schema, so procedures sharing a schema share its component.
 */
const typedSchemas = new WeakMap<z.ZodType, z.ZodType>();

export function typedOutput<S extends z.ZodType>(schema: S): S {
  const known = typedSchemas.get(schema);
  if (known) return known as S;
  const typed: S = Object.create(schema) as S;
  const unchanged = (value: unknown) => value as z.output<S>;
  Object.assign(typed, {
    parse: unchanged,
    parseAsync: (value: unknown) => Promise.resolve(unchanged(value)),
  });
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(typed, meta);
  typedSchemas.set(schema, typed);
  return typed;
}
