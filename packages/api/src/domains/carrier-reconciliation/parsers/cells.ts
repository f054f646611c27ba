import { normalizeTrackingNumber } from '../../orders/schemas';
import type { InvoiceCellError } from '../schemas';

/** A cell that cannot be read: the message is the reason, the caller adds row and column. */
export class CellProblem extends Error {}

/** Collects the cell errors of one row; the row becomes lines only when it has none. */
export class RowReader {
  readonly errors: InvoiceCellError[] = [];
  constructor(readonly row: number) {}

  /** `read(text)` for the cell of `column`; a CellProblem becomes this row's error and the value null. */
  cell<T>(column: string, text: string | undefined, read: (text: string) => T): T | null {
    try {
      return read(text ?? '');
    } catch (error) {
      if (!(error instanceof CellProblem)) throw error;
      this.errors.push({ row: this.row, column, message: error.message });
      return null;
    }
  }
}

const show = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

export function required(text: string): string {
  if (!text) throw new CellProblem('is empty');
  return text;
}

export function optional(text: string): string | null {
  return text || null;
}

const fractionDigitsCache = new Map<string, number>();

/** The number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3). */
export function currencyExponent(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function currencyCode(text: string): string {
  const code = text.toUpperCase();
  if (!KNOWN_CURRENCIES.has(code)) throw new CellProblem(`${show(text)} is not an ISO 4217 currency code`);
  return code;
}

/**
 * A decimal as an integer of `scale` decimal places, read from its digits (no floating point): `12.5` at scale 2
 * is 1250. More decimals than the scale are refused unless they are zeros.
 */
export function scaledDecimal(text: string, scale: number, decimalSeparator: '.' | ',' = '.'): number {
  const pattern = decimalSeparator === '.' ? /^([+-])?(\d+)(?:\.(\d*))?$/ : /^([+-])?(\d+)(?:,(\d*))?$/;
  const match = pattern.exec(text);
  if (!match) throw new CellProblem(`${show(text)} is not a number such as 12${decimalSeparator}50`);
  const [, sign, whole = '', fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(scale))) {
    throw new CellProblem(`${show(text)} has more than ${scale} decimal${scale === 1 ? '' : 's'}`);
  }
  const value = Number(whole) * 10 ** scale + Number(fraction.slice(0, scale).padEnd(scale, '0') || '0');
  if (!Number.isSafeInteger(value)) throw new CellProblem(`${show(text)} is too large`);
  return sign === '-' && value !== 0 ? -value : value;
}

/** An amount in minor units of `currency`. */
export function minorAmount(text: string, currency: string, decimalSeparator: '.' | ',' = '.'): number {
  if (!text) throw new CellProblem('is empty: an amount is required');
  return scaledDecimal(text, currencyExponent(currency), decimalSeparator);
}

const GRAMS_PER_THOUSANDTH: Record<'kg' | 'g' | 'lb' | 'oz', number> = {
  kg: 1,
  g: 0.001,
  lb: 0.45359237,
  oz: 0.028349523125,
};

/** A weight in whole grams (rounded), from a decimal in `unit`. Weights are not money: rounding is fine here. */
export function grams(
  text: string,
  unit: keyof typeof GRAMS_PER_THOUSANDTH,
  decimalSeparator: '.' | ',' = '.',
): number {
  const thousandths = scaledDecimal(text, 3, decimalSeparator);
  if (thousandths < 0) throw new CellProblem(`${show(text)} is negative`);
  return Math.round(thousandths * GRAMS_PER_THOUSANDTH[unit]);
}

const DATE_PATTERNS = {
  'YYYY-MM-DD': /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})$/,
  YYYYMMDD: /^(?<y>\d{4})(?<m>\d{2})(?<d>\d{2})$/,
  'DD-MM-YYYY': /^(?<d>\d{2})-(?<m>\d{2})-(?<y>\d{4})$/,
  'DD/MM/YYYY': /^(?<d>\d{2})\/(?<m>\d{2})\/(?<y>\d{4})$/,
  'MM/DD/YYYY': /^(?<m>\d{2})\/(?<d>\d{2})\/(?<y>\d{4})$/,
} as const;
export type DateFormat = keyof typeof DATE_PATTERNS;

/** A calendar date written as `format`, returned as YYYY-MM-DD; 2026-02-30 is refused, not rolled over. */
export function calendarDate(text: string, format: DateFormat | readonly DateFormat[]): string {
  for (const candidate of typeof format === 'string' ? [format] : format) {
    const groups = DATE_PATTERNS[candidate].exec(text)?.groups;
    if (!groups) continue;
    const iso = `${groups.y}-${groups.m}-${groups.d}`;
    const date = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
      throw new CellProblem(`${show(text)} is not a date in the calendar`);
    }
    return iso;
  }
  const formats = typeof format === 'string' ? format : format.join(' or ');
  throw new CellProblem(`${show(text)} is not a date written ${formats}`);
}

/** A tracking number as orders store it, or null for an empty cell (an account-level charge). */
export function trackingNumber(text: string): string | null {
  if (!text) return null;
  const normalized = normalizeTrackingNumber(text);
  if (!/^[A-Z0-9]{4,50}$/.test(normalized)) {
    throw new CellProblem(`${show(text)} is not a tracking number (4 to 50 letters and digits)`);
  }
  return normalized;
}
