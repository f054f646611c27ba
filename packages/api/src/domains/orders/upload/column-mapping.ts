import { AppError } from '../../../errors/app-error';
import { ORDER_CSV_COLUMNS } from './schemas';

export type OrderColumn = (typeof ORDER_CSV_COLUMNS)[number]['name'];
export const ORDER_COLUMN_NAMES: OrderColumn[] = ORDER_CSV_COLUMNS.map((c) => c.name);

/** One header of the file and the field it feeds; `field: null` means the column is ignored. */
export interface MappedColumn {
  column: string;
  field: OrderColumn | null;
}

/** Case, accents, spaces and punctuation ignored: "E-mailadres", "e-mail adres" and "EMAILADRES" are equal. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]/g, '');
}

const FIELD_BY_HEADER = new Map<string, OrderColumn>();
for (const column of ORDER_CSV_COLUMNS) {
  for (const header of [column.name, ...column.synonyms]) {
    const key = normaliseHeader(header);
    const taken = FIELD_BY_HEADER.get(key);
    // A synonym shared by two fields would map silently to whichever came first.
    if (taken && taken !== column.name)
      throw new Error(`header "${header}" is a synonym of ${taken} and ${column.name}`);
    FIELD_BY_HEADER.set(key, column.name);
  }
}

function isOrderColumn(value: string): value is OrderColumn {
  return (ORDER_COLUMN_NAMES as string[]).includes(value);
}

/**
 * Maps each header to a field by name or synonym, then applies the caller's overrides (header → field, or
 * null/"" to ignore the column). The first header claiming a field wins; later ones are ignored.
 */
export function mapColumns(headers: string[], overrides: Record<string, string | null> = {}): MappedColumn[] {
  for (const [column, field] of Object.entries(overrides)) {
    if (!headers.includes(column)) {
      throw AppError.validation(
        `mapping.${column}`,
        `is not a column of the file (columns: ${headers.join(', ')})`,
        'unknown_column',
      );
    }
    if (field && !isOrderColumn(field)) {
      throw AppError.validation(
        `mapping.${column}`,
        `must be one of ${ORDER_COLUMN_NAMES.join(', ')}`,
        'unknown_field',
      );
    }
  }
  const claimed = new Set<OrderColumn>(
    Object.values(overrides).filter((f): f is OrderColumn => !!f && isOrderColumn(f)),
  );
  return headers.map((column) => {
    if (Object.hasOwn(overrides, column)) {
      const field = overrides[column];
      return { column, field: field && isOrderColumn(field) ? field : null };
    }
    const field = FIELD_BY_HEADER.get(normaliseHeader(column));
    if (!field || claimed.has(field)) return { column, field: null };
    claimed.add(field);
    return { column, field };
  });
}

/** A file without a column for a required field cannot yield a single order: 422, naming what is missing. */
export function assertRequiredColumns(mapping: MappedColumn[]): void {
  const mapped = new Set(mapping.map((m) => m.field));
  const missing = ORDER_CSV_COLUMNS.filter((c) => c.required && !mapped.has(c.name));
  if (!missing.length) return;
  throw new AppError(
    'unprocessable',
    `No column of the file maps to ${missing.map((c) => c.name).join(', ')}. Rename the headers (see GET /api/orders/sample.csv) or send a mapping.`,
    {
      errors: missing.map((c) => ({
        field: 'file',
        message: `has no column for ${c.name}`,
        code: 'missing_column',
      })),
    },
  );
}
