/**
 * An answer that writes its own JSON text. The REST transport sends what `[JSON_TEXT]()` returns instead of
 * `JSON.stringify(answer)` (the trpc-to-openapi patch in `patches/`, which looks the symbol up by its global
 * name), then calls `sent()` once the response has finished, so the bytes' buffer can be reused; every other
 * reader (tRPC, in-process callers, the idempotency store) sees the value itself. For a hot answer too large to
 * serialise on every request (the cost preview). The bytes must be exactly `JSON.stringify(value)`'s, as
 * UTF-8, which the answer's own tests check.
 */
export const JSON_TEXT = Symbol.for('ipay.jsonText');

export interface JsonText {
  bytes: Uint8Array;
  /** The bytes have been handed to the connection: their buffer is free again. */
  sent(): void;
}

export type WithJsonText<T> = T & { readonly [JSON_TEXT]: () => JsonText };

export function withJsonText<T extends object>(value: T, write: () => JsonText): WithJsonText<T> {
  return Object.defineProperty(value, JSON_TEXT, { value: write, enumerable: false }) as WithJsonText<T>;
}
