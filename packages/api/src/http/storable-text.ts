import type { FieldError } from '../errors/problem';

declare global {
  interface String {
    /** ES2024, in every Node the project supports (20.19+); the project's `lib` is ES2023. */
    isWellFormed(): boolean;
  }
}

function problemWith(text: string): string | undefined {
  // PostgreSQL's text and jsonb cannot hold U+0000 ("invalid byte sequence"), and a lone UTF-16 surrogate is
  // silently stored as U+FFFD: both are refused rather than failing or changing in the database.
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (!text.isWellFormed()) return 'contains an unpaired UTF-16 surrogate, which is not valid text';
  return undefined;
}

/**
 * A string (value or object key) in `value` that PostgreSQL cannot store, named by its dotted path
 * under `field` (`items.0.sku`, `query.q`). Iterative, so a deeply nested value cannot exhaust the stack.
 */
export function findUnstorableText(value: unknown, field: string): FieldError | undefined {
  const pending: Array<[unknown, string]> = [[value, field]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [current, path] = next;
    if (typeof current === 'string') {
      const message = problemWith(current);
      if (message) return { field: path || 'body', message, code: 'invalid_text' };
    } else if (current !== null && typeof current === 'object' && !Buffer.isBuffer(current)) {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        const message = problemWith(key);
        if (message) return { field: childPath, message: `has a key that ${message}`, code: 'invalid_text' };
        pending.push([child, childPath]);
      }
    }
  }
  return undefined;
}
