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

/**
 * Fuel's effective rate in 1/10^10 of a percent, exact: of the surcharge `p × (1 − d/100)`, in points
 * `p − d` (never below zero); both are integer arithmetic on `percentUnits`.
 */
export function effectiveFuelUnits(
  published: bigint,
  discount: bigint,
  mode: 'of_surcharge' | 'points',
): bigint {
  if (mode === 'points') return (published > discount ? published - discount : 0n) * 1_000_000n;
  return published * (1_000_000n - discount);
}
export const FUEL_SCALE = 10;

/** A scaled integer back to its shortest decimal text: (1234500n, 4) → "123.45". */
export function decimalText(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

/**
 * An exact non-negative ratio `num / den` to multiply money by, reduced once when a tariff or fuel entry is
 * compiled. Both terms stay below 10^12 (a percentage is at most 100, held to 1/10^10 %), so they are exact
 * `number`s; `bigNum`/`bigDen` serve the products too large for one.
 */
export interface ExactRatio {
  readonly num: number;
  readonly den: number;
  readonly bigNum: bigint;
  readonly bigDen: bigint;
}

export function exactRatio(num: bigint, den: bigint): ExactRatio {
  const common = num === 0n ? den : gcd(num, den);
  const reducedNum = num / common;
  const reducedDen = den / common;
  return { num: Number(reducedNum), den: Number(reducedDen), bigNum: reducedNum, bigDen: reducedDen };
}

/** A percentage in `percentUnits` (1/10,000 %) as the ratio of an amount it takes. */
export function percentRatio(units: bigint): ExactRatio {
  return exactRatio(units, 100n * PERCENT_SCALE);
}

/**
 * `amountMinor × ratio`, rounded half up, exactly. While the product is a safe integer every step is exact in
 * `number`: the product itself, `%` (always exact), and the division of an exact multiple. A product past 2^53
 * compares above MAX_SAFE_INTEGER even as a rounded float, and goes the `bigint` way.
 */
export function applyRatio(amountMinor: number, ratio: ExactRatio): number {
  const product = amountMinor * ratio.num;
  if (product > Number.MAX_SAFE_INTEGER) {
    return Number(divideHalfUp(BigInt(amountMinor) * ratio.bigNum, ratio.bigDen));
  }
  const rest = product % ratio.den;
  return (product - rest) / ratio.den + (rest * 2 >= ratio.den ? 1 : 0);
}
