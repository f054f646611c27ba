/**
 * Exact decimal rates. A percentage is held as an integer count of 1/10,000 of a percent (`"12.5"` → 125,000),
 * so every product below is an integer (bigint) and money is rounded exactly once, half up, to the minor unit.
 */
export const PERCENT_SCALE = 10_000n;

/** "12.5" → 125000n; the schemas allow at most 4 decimals, so nothing is lost. */
export function percentUnits(percent: string): bigint {
  const [whole = '0', fraction = ''] = percent.split('.');
  if (fraction.length > 4 || !/^\d+$/.test(whole) || !/^\d*$/.test(fraction)) {
    throw new RangeError(`not a percentage of at most 4 decimals: ${percent}`);
  }
  return BigInt(whole) * PERCENT_SCALE + BigInt(fraction.padEnd(4, '0'));
}

/** `value / divisor`, rounded half up; both non-negative. */
export function divideHalfUp(value: bigint, divisor: bigint): bigint {
  return (value * 2n + divisor) / (divisor * 2n);
}

/** `value / divisor`, rounded up; both non-negative. */
export function divideUp(value: bigint, divisor: bigint): bigint {
  return (value + divisor - 1n) / divisor;
}

/** `amountMinor × percent`, half up: `percentUnits` are 1/10,000 %, so the divisor is 100 × 10,000. */
export function percentOf(amountMinor: number, units: bigint): number {
  return Number(divideHalfUp(BigInt(amountMinor) * units, 100n * PERCENT_SCALE));
}

/** A scaled integer back to its shortest decimal text: (1234500n, 4) → "123.45". */
export function decimalText(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
