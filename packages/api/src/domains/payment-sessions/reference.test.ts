import { describe, expect, it } from 'vitest';
import { generatePaymentReference, isValidPaymentReference } from './reference';

describe('payment reference', () => {
  it('is 18 digits whose MOD 97 is 1, and differs every time', () => {
    const references = Array.from({ length: 2000 }, generatePaymentReference);
    for (const reference of references) {
      expect(reference).toMatch(/^[1-9][0-9]{17}$/);
      expect(BigInt(reference) % 97n).toBe(1n);
    }
    expect(new Set(references).size).toBe(references.length);
  });

  it('catches a mistyped or swapped digit', () => {
    const reference = generatePaymentReference();
    const digit = Number(reference[5]);
    const typo = `${reference.slice(0, 5)}${(digit + 1) % 10}${reference.slice(6)}`;
    expect(isValidPaymentReference(reference)).toBe(true);
    expect(isValidPaymentReference(typo)).toBe(false);
    expect(isValidPaymentReference('12345')).toBe(false);
    expect(isValidPaymentReference('1234567890123456ab')).toBe(false);
  });
});
