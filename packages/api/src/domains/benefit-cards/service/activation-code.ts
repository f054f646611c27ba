import { randomInt } from 'node:crypto';

/** Without 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code copied by hand or read aloud cannot be mistaken. */
export const ACTIVATION_CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';

/**
 * `XXXX-XXXX-XXXX-XXXX-XXXX`: 20 symbols from the CSPRNG (25^20, about 93 bits), so codes cannot be
 * guessed; the unique index is the final word on collisions.
 */
export function generateActivationCode(): string {
  const symbols = Array.from(
    { length: 20 },
    () => ACTIVATION_CODE_ALPHABET[randomInt(ACTIVATION_CODE_ALPHABET.length)],
  );
  return [0, 4, 8, 12, 16].map((start) => symbols.slice(start, start + 4).join('')).join('-');
}
