import type { CellError } from '../schemas';

/** One non-empty row of a sheet: `row` is its 1-based line, cells as text. */
export interface Row {
  row: number;
  cells: string[];
}

/** The workbook as read: sheets by name in order, each with its rows (the header first). */
export type Sheets = Map<string, Row[]>;

/** A header as compared: lower case, runs of anything but letters and digits become one `_`. */
export function headerKey(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** Collects every cell error of a file, so one dry run names them all. */
export class CellErrors {
  readonly list: CellError[] = [];
  add(sheet: string, row: number, column: number, message: string): void {
    this.list.push({ sheet, row, column: columnLetter(column), message });
  }
}

/** A sheet read through its header: cells by header name, errors pointing at the cell. */
export class SheetReader {
  private readonly columns: Map<string, number>;
  constructor(
    readonly name: string,
    readonly rows: Row[],
    readonly errors: CellErrors,
  ) {
    this.columns = new Map((rows[0]?.cells ?? []).map((cell, index) => [headerKey(cell), index]));
  }

  has(column: string): boolean {
    return this.columns.has(column);
  }

  /** The data rows (after the header). */
  get body(): Row[] {
    return this.rows.slice(1);
  }

  column(name: string): number {
    return this.columns.get(name) ?? -1;
  }

  text(row: Row, column: string): string {
    const index = this.column(column);
    return index < 0 ? '' : (row.cells[index] ?? '').trim();
  }

  fail(row: Row, column: string | number, message: string): undefined {
    this.errors.add(
      this.name,
      row.row,
      typeof column === 'number' ? column : Math.max(this.column(column), 0),
      message,
    );
    return undefined;
  }

  /** The cell parsed, or an error at it (`undefined`); an empty optional cell is `null`. */
  read<T>(
    row: Row,
    column: string,
    parse: (text: string) => T | string,
    optional = false,
  ): T | null | undefined {
    const text = this.text(row, column);
    if (!text) return optional ? null : this.fail(row, column, `${column} is required`);
    const parsed = parse(text);
    return typeof parsed === 'string' ? this.fail(row, column, `${column} ${parsed}`) : parsed;
  }

  /**
   * An optional postcode range from two cells: both bounds, or neither (`null`s). One without the other is an
   * error at the empty one (`undefined`).
   */
  postcodeRange(
    row: Row,
    fromColumn: string,
    toColumn: string,
  ): { postcodeFrom: string | null; postcodeTo: string | null } | undefined {
    const from = this.text(row, fromColumn);
    const to = this.text(row, toColumn);
    if (Boolean(from) !== Boolean(to)) {
      return this.fail(
        row,
        from ? toColumn : fromColumn,
        'is required when the other postcode bound is given',
      );
    }
    return { postcodeFrom: from || null, postcodeTo: to || null };
  }
}

/** A decimal cell as an exact integer of 10^-digits units; a float artefact (12.950000000001) is accepted. */
function scaled(text: string, digits: number): number | null {
  const clean = text.replace(',', '.');
  if (!/^\d+(\.\d+)?(e-?\d+)?$/i.test(clean)) return null;
  const value = Number(clean) * 10 ** digits;
  const rounded = Math.round(value);
  return Math.abs(value - rounded) < 1e-6 && Number.isSafeInteger(rounded) ? rounded : null;
}

export const parse = {
  /** Kilograms with at most 3 decimals, to grams. */
  kgToGrams: (text: string): number | string => {
    const grams = scaled(text, 3);
    return grams === null || grams <= 0
      ? 'must be a weight in kg above 0 with at most 3 decimals, e.g. 2.5'
      : grams;
  },
  /** A price in major units with at most 2 decimals, to minor units. */
  priceMinor: (text: string): number | string => {
    const minor = scaled(text.replace(/^[€$£]\s*/, ''), 2);
    return minor === null ? 'must be a price with at most 2 decimals, e.g. 12.95' : minor;
  },
  percent: (text: string): string | { percent: string } => {
    const units = scaled(text.replace(/\s*%$/, ''), 4);
    if (units === null || units > 1_000_000)
      return 'must be a percentage from 0 to 100 with at most 4 decimals';
    return { percent: String(units / 10_000) };
  },
  positiveInt: (text: string): number | string => {
    return /^\d{1,7}$/.test(text) && Number(text) > 0 ? Number(text) : 'must be a whole number above 0';
  },
  date: (text: string): { date: string } | string => {
    const date = text.slice(0, 10);
    return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date))
      ? { date }
      : 'must be a date, YYYY-MM-DD';
  },
  code: (text: string): string | { code: string } => {
    const code = text.toUpperCase();
    return /^[A-Z0-9_-]{1,32}$/.test(code) ? { code } : 'must be a code of 1 to 32 of A-Z, 0-9, _ and -';
  },
  country: (text: string): string | { country: string } => {
    const country = text.toUpperCase();
    return /^[A-Z]{2}$/.test(country) ? { country } : 'must be an ISO 3166-1 alpha-2 country code such as NL';
  },
  yesNo: (text: string): string | { value: boolean } => {
    const key = headerKey(text);
    if (['yes', 'y', 'true', '1', 'ja', 'oui'].includes(key)) return { value: true };
    if (['no', 'n', 'false', '0', 'nee', 'non'].includes(key)) return { value: false };
    return 'must be yes or no';
  },
};
