import { randomUUID } from 'node:crypto';
import type { JsonSchema } from './operations';

export type Resolve = (schema: unknown) => JsonSchema;

// Tried in order against a string's `pattern`: a plausible value for the codes this API uses.
const PATTERN_CANDIDATES = [
  'NL',
  'EUR',
  'POSTNL',
  'shopify',
  '+31 6 12345678',
  '5551234567',
  '1',
  '12345',
  'ABCD-EFGH-JKLM-NPQR-STUV',
  'abc',
  'ABC',
  'abc-123',
  'order.created',
  'read',
];

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  return type as string | undefined;
}

/** The non-null branches of anyOf/oneOf, or the schema itself. */
export function branches(schema: JsonSchema, resolve: Resolve): JsonSchema[] {
  const options = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (!options) return [schema];
  return options.map(resolve).filter((s) => typeOf(s) !== 'null');
}

function stringFor(schema: JsonSchema): string {
  switch (schema.format) {
    case 'uuid':
      return randomUUID();
    case 'email':
      return 'hostile@example.com';
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return '2026-01-15';
    case 'uri':
    case 'url':
      return 'https://203.0.113.10/hostile';
  }
  if (typeof schema.pattern === 'string') {
    try {
      const pattern = new RegExp(schema.pattern);
      const fit = PATTERN_CANDIDATES.find((candidate) => pattern.test(candidate));
      if (fit) return fit;
    } catch {
      // a pattern JavaScript cannot compile: fall through to a plain value
    }
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 40;
  return 'hostile'.padEnd(Math.min(Math.max(min, 7), max), 'x').slice(0, Math.max(max, 1));
}

function numberFor(schema: JsonSchema): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' ? schema.maximum : undefined;
  let value = 1;
  if (min !== undefined && value < min) value = min;
  if (max !== undefined && value > max) value = max;
  return value;
}

/** A value the schema most likely accepts: every property, optional ones too, so checks run deep. */
export function sampleValue(input: unknown, resolve: Resolve, depth = 0): unknown {
  const schema = resolve(input);
  if (depth > 12) return null;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema && schema.default !== undefined) return schema.default;
  const [first] = branches(schema, resolve);
  if (first && first !== schema) return sampleValue(first, resolve, depth + 1);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    return sampleValue(schema.allOf[0], resolve, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(properties)
          // `not` marks a field declared only to be refused by name: a valid body leaves it out.
          .filter(([, value]) => !('not' in resolve(value)))
          .map(([key, value]) => [key, sampleValue(value, resolve, depth + 1)]),
      );
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' && schema.minItems > 1 ? schema.minItems : 1;
      return Array.from({ length: count }, () => sampleValue(schema.items, resolve, depth + 1));
    }
    case 'string':
      return stringFor(schema);
    case 'integer':
    case 'number':
      return numberFor(schema);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return schema.properties ? sampleValue({ ...schema, type: 'object' }, resolve, depth + 1) : {};
  }
}

export interface Leaf {
  path: Array<string | number>;
  /** The declared type at this place ('string', 'integer', 'object', …). */
  type: string;
  schema: JsonSchema;
}

/** Every place in `value` with the schema that describes it: the targets of a mutation. */
export function leavesOf(value: unknown, input: unknown, resolve: Resolve, path: Leaf['path'] = []): Leaf[] {
  const schema = resolve(input);
  const [branch] = branches(schema, resolve);
  const effective = branch ?? schema;
  const type = typeOf(effective) ?? (Array.isArray(value) ? 'array' : typeof value);
  const here: Leaf = { path, type, schema: effective };
  if (Array.isArray(value)) {
    return [
      here,
      ...value.flatMap((item, index) => leavesOf(item, effective.items, resolve, [...path, index])),
    ];
  }
  if (value && typeof value === 'object') {
    const properties = (effective.properties ?? {}) as Record<string, unknown>;
    return [
      here,
      ...Object.entries(value).flatMap(([key, item]) =>
        leavesOf(item, properties[key] ?? {}, resolve, [...path, key]),
      ),
    ];
  }
  return [here];
}

/** A deep copy of `value` with the place at `path` replaced (or removed when `replacement` is `REMOVE`). */
export const REMOVE = Symbol('remove');
export function withValueAt(value: unknown, path: Leaf['path'], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === REMOVE) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

/**
 * Every leaf at the edge its schema allows: numbers at their maximum, strings at their maximum length, arrays
 * at their maximum count (bounded, to keep requests small). Accepted values whose sum, product or byte size may
 * still not fit the database.
 */
export function extremeValue(input: unknown, resolve: Resolve, depth = 0): unknown {
  const schema = resolve(input);
  if (depth > 12) return null;
  const [first] = branches(schema, resolve);
  if (first && first !== schema) return extremeValue(first, resolve, depth + 1);
  const type = typeOf(schema);
  if (type === 'object' || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(properties).map(([key, value]) => [key, extremeValue(value, resolve, depth + 1)]),
    );
  }
  if (type === 'array') {
    const count = Math.min(typeof schema.maxItems === 'number' ? schema.maxItems : 3, 500);
    const item = extremeValue(schema.items, resolve, depth + 1);
    return Array.from({ length: count }, () => structuredClone(item));
  }
  if ((type === 'integer' || type === 'number') && typeof schema.maximum === 'number') return schema.maximum;
  if (type === 'string' && typeof schema.maxLength === 'number' && !schema.pattern && !schema.format) {
    // Multi-byte characters: the length a validator counts, several times the bytes a column stores.
    return '\u00e9'.repeat(Math.min(schema.maxLength, 10_000));
  }
  return sampleValue(schema, resolve, depth);
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The valid value with the extremes laid over it: numbers and long free-text strings from `extreme`, arrays at
 * the extreme's count (items taken from the valid ones in turn), everything else (codes, ids) kept valid.
 */
export function overlay(valid: unknown, extreme: unknown): unknown {
  if (isRecord(valid) && isRecord(extreme)) {
    const keys = new Set([...Object.keys(valid), ...Object.keys(extreme)]);
    return Object.fromEntries([...keys].map((key) => [key, overlay(valid[key], extreme[key])]));
  }
  if (Array.isArray(valid) && Array.isArray(extreme) && extreme.length > 0) {
    return extreme.map((item: unknown, index) =>
      overlay(valid[index % Math.max(valid.length, 1)] ?? item, item),
    );
  }
  if (typeof extreme === 'number') return extreme;
  if (typeof extreme === 'string' && typeof valid === 'string' && extreme.startsWith('\u00e9'))
    return extreme;
  return valid ?? extreme;
}
