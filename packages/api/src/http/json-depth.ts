import { AppError } from '../errors/app-error';

/** Deeper than any request the API describes; deep enough that JSON.parse and validation stay cheap. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether JSON text nests arrays and objects deeper than `limit`, by one pass over the characters (skipping
 * strings), so a hostile body is refused before JSON.parse and the validators recurse through it.
 */
export function exceedsJsonDepth(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index++; // backslash: the escaped character cannot end the string
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** The refusal of a too-deep JSON `field` (the body, or tRPC's `input`), stating the limit. */
export function tooDeep(field: string): AppError {
  return AppError.validation(
    field,
    `is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`,
    'too_deep',
  );
}
