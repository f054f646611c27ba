import type { AnyRouter } from '@trpc/server';

/** The kinds trpc-to-openapi turns coercion on for (`_def.coerce = true`), in place, on every REST request. */
const COERCIBLE = new Set(['number', 'boolean', 'bigint', 'date']);

interface SchemaDef {
  type: string;
  coerce?: boolean;
  getter?: () => unknown;
  [key: string]: unknown;
}

function defOf(value: unknown): SchemaDef | undefined {
  return (value as { _zod?: { def?: SchemaDef } } | null)?._zod?.def;
}

function childSchemas(def: SchemaDef): unknown[] {
  const children: unknown[] = def.type === 'lazy' && def.getter ? [def.getter()] : [];
  for (const value of Object.values(def)) {
    if (defOf(value)) children.push(value);
    else if (Array.isArray(value)) children.push(...(value as unknown[]).filter((item) => defOf(item)));
    else if (value && typeof value === 'object')
      children.push(...Object.values(value as Record<string, unknown>).filter((v) => defOf(v)));
  }
  return children;
}

/** Keeps `coerce` at what the schema declared: writes (trpc-to-openapi's) are ignored. */
function pinCoercion(def: SchemaDef): void {
  if (Object.getOwnPropertyDescriptor(def, 'coerce')?.set) return;
  const declared = def.coerce === true;
  Object.defineProperty(def, 'coerce', {
    get: () => declared,
    set: () => undefined,
    enumerable: true,
    configurable: true,
  });
}

/**
 * trpc-to-openapi (3.x) switches on coercion for every number, boolean, bigint and date of an input schema,
 * bodies included, by mutating the shared schema: `"ipay_flag": "no"` became `true` and `"quantity": "3"`
 * became 3, on REST and from then on on tRPC too. JSON bodies are typed, so that is refused here: each such
 * schema of every procedure input keeps the coercion it declares. Parameters that arrive as text declare
 * how they are read (see `integerParameter`).
 */
export function keepDeclaredCoercion(procedures: AnyRouter): void {
  const seen = new Set<unknown>();
  const pending = Object.values(procedures._def.procedures as Record<string, unknown>).flatMap(
    (procedure) => (procedure as { _def: { inputs?: unknown[] } })._def.inputs ?? [],
  );
  for (let schema = pending.pop(); schema !== undefined; schema = pending.pop()) {
    const def = defOf(schema);
    if (!def || seen.has(schema)) continue;
    seen.add(schema);
    if (COERCIBLE.has(def.type)) pinCoercion(def);
    pending.push(...childSchemas(def));
  }
}
