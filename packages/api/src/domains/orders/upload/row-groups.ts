import type { z } from 'zod';
import type { AppError } from '../../../errors/app-error';
import { CreateOrderInput } from '../schemas';
import { ORDER_COLUMN_NAMES, type MappedColumn, type OrderColumn } from './column-mapping';
import { UNREADABLE, type SheetRow } from './read-rows';
import { columnReason, orderReason, unreadableReason } from './row-messages';

/** What is wrong with one row: its line in the file, the file's column (when one is to blame), why. */
export interface RowError {
  row: number;
  column: string | null;
  reason: string;
}

/** The rows sharing one merchant reference, in file order: one order, one item per row. */
export interface RowGroup {
  reference: string;
  rows: SheetRow[];
}

export type RowValues = Partial<Record<OrderColumn, string>>;

/** The row's cells by field, empty cells left out. */
export function valuesOf(row: SheetRow, mapping: MappedColumn[]): RowValues {
  const values: RowValues = {};
  mapping.forEach(({ field }, index) => {
    const cell = row.cells[index]?.trim();
    if (field && cell) values[field] = cell;
  });
  return values;
}

/** Numbers stay text when they are not numbers, so validation names the cell instead of guessing. */
function numberOrText(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** The words an ipay_flag cell may hold for yes and no, in lower case. */
export const FLAG_WORDS = {
  true: ['true', '1', 'yes', 'y', 'ja', 'j', 'oui', 'o', 'wahr', 'vrai', 'x'],
  false: ['false', '0', 'no', 'n', 'nee', 'nein', 'non', 'faux', 'falsch'],
};
const TRUE = new Set(FLAG_WORDS.true);
const FALSE = new Set(FLAG_WORDS.false);

function flagOrText(value: string | undefined): boolean | string | undefined {
  if (value === undefined) return undefined;
  const key = value.toLowerCase();
  if (TRUE.has(key)) return true;
  if (FALSE.has(key)) return false;
  return value;
}

/** The columns of one order line; every other column (but the reference) holds one value for the whole order. */
const ITEM_FIELDS = new Set<OrderColumn>(['sku', 'item_name', 'quantity', 'unit_price_minor']);
const ORDER_FIELDS = ORDER_COLUMN_NAMES.filter((f) => f !== 'merchant_reference' && !ITEM_FIELDS.has(f));
const NUMERIC_ORDER_FIELDS = new Set<OrderColumn>([
  'shipping_minor',
  'weight_grams',
  'length_mm',
  'width_mm',
  'height_mm',
]);

/** Two cells mean the same when they parse to the same flag or number, or read the same ignoring case and spacing. */
function sameValue(field: OrderColumn, a: string, b: string): boolean {
  if (field === 'ipay_flag') return flagOrText(a) === flagOrText(b);
  if (NUMERIC_ORDER_FIELDS.has(field)) return numberOrText(a) === numberOrText(b);
  const plain = (text: string) => text.replace(/\s+/g, ' ').toLowerCase();
  return plain(a) === plain(b);
}

interface OrderFields {
  values: RowValues;
  /** For each order field, the index in the group of the row its value came from. */
  sources: Partial<Record<OrderColumn, number>>;
  conflicts: RowError[];
}

/**
 * The order's own fields: each from the first line that fills it (exports often fill them on the first line
 * only). A later line that fills one differently is an error naming its column: taking either value would
 * silently ship to, or charge, the wrong customer.
 */
function orderFieldsOf(group: RowGroup, rows: RowValues[], mapping: MappedColumn[]): OrderFields {
  const result: OrderFields = { values: {}, sources: {}, conflicts: [] };
  for (const field of ORDER_FIELDS) {
    rows.forEach((values, index) => {
      const cell = values[field];
      if (cell === undefined) return;
      const source = result.sources[field];
      const kept = result.values[field];
      if (source === undefined || kept === undefined) {
        result.values[field] = cell;
        result.sources[field] = index;
        return;
      }
      if (sameValue(field, kept, cell)) return;
      result.conflicts.push({
        row: group.rows[index]?.row ?? 0,
        column: mapping.find((m) => m.field === field)?.column ?? null,
        reason: `${field} "${cell}" differs from row ${group.rows[source]?.row ?? 0} of the same order ("${kept}")`,
      });
    });
  }
  return result;
}

/** The order as POST /api/orders would receive it: order fields merged over its lines, one item per line. */
function orderBodyOf(group: RowGroup, rows: RowValues[], order: RowValues): Record<string, unknown> {
  const dimensions = [order.length_mm, order.width_mm, order.height_mm];
  return {
    merchant_reference: group.reference,
    customer: {
      name: order.customer_name,
      email: order.customer_email,
      phone: order.customer_phone,
      address: {
        line1: order.address_line1,
        line2: order.address_line2,
        postal_code: order.postal_code,
        city: order.city,
        country: order.country,
      },
    },
    items: rows.map((values) => ({
      sku: values.sku,
      name: values.item_name,
      quantity: numberOrText(values.quantity),
      unit_price_minor: numberOrText(values.unit_price_minor),
    })),
    currency: order.currency,
    carrier_code: order.carrier_code,
    ipay_flag: flagOrText(order.ipay_flag),
    shipping_minor: numberOrText(order.shipping_minor),
    weight_grams: numberOrText(order.weight_grams),
    dimensions_mm: dimensions.some((d) => d !== undefined)
      ? {
          length: numberOrText(dimensions[0]),
          width: numberOrText(dimensions[1]),
          height: numberOrText(dimensions[2]),
        }
      : undefined,
  };
}

/** The upload column behind a CreateOrderInput path (`items.2.quantity` → quantity, on the group's third row). */
const FIELD_OF_PATH: Record<string, OrderColumn> = {
  merchant_reference: 'merchant_reference',
  'customer.name': 'customer_name',
  'customer.email': 'customer_email',
  'customer.phone': 'customer_phone',
  'customer.address.line1': 'address_line1',
  'customer.address.line2': 'address_line2',
  'customer.address.postal_code': 'postal_code',
  'customer.address.city': 'city',
  'customer.address.country': 'country',
  currency: 'currency',
  carrier_code: 'carrier_code',
  ipay_flag: 'ipay_flag',
  shipping_minor: 'shipping_minor',
  weight_grams: 'weight_grams',
  'dimensions_mm.length': 'length_mm',
  'dimensions_mm.width': 'width_mm',
  'dimensions_mm.height': 'height_mm',
  'items.sku': 'sku',
  'items.name': 'item_name',
  'items.quantity': 'quantity',
  'items.unit_price_minor': 'unit_price_minor',
};

interface Location {
  /** The line to blame. */
  row: SheetRow | undefined;
  field: OrderColumn | undefined;
  /** The file's header for the field; null when no column maps to it. */
  column: string | null;
  /** The order's field path without item indexes (`items.quantity`). */
  key: string;
}

/**
 * Turns a field path of the order into the row and the file's column it came from: an item's own line, or for
 * an order field the first line that fills it (the first line when none does).
 */
function locate(group: RowGroup, mapping: MappedColumn[], path: ReadonlyArray<PropertyKey>): Location {
  const [head, index, ...rest] = path.map(String);
  const isItem = head === 'items' && index !== undefined && /^\d+$/.test(index);
  const key = isItem ? ['items', ...rest].join('.') : path.map(String).join('.');
  const field = FIELD_OF_PATH[key];
  const filled = field ? group.rows.findIndex((r) => valuesOf(r, mapping)[field] !== undefined) : -1;
  const row = group.rows[isItem ? Number(index) : Math.max(filled, 0)] ?? group.rows[0];
  const column = field ? (mapping.find((m) => m.field === field)?.column ?? null) : null;
  return { row, field, column, key };
}

const NO_COLUMN = ' (no column of the file maps to it)';

/** A zod issue on the order as a row error, worded for the merchant from the column (see row-messages). */
function rowErrorOfIssue(group: RowGroup, mapping: MappedColumn[], issue: z.core.$ZodIssue): RowError {
  const { row, field, column, key } = locate(group, mapping, issue.path);
  if (!field) return { row: row?.row ?? 0, column, reason: orderReason(key, issue) };
  const cell = row ? valuesOf(row, mapping)[field] : undefined;
  return { row: row?.row ?? 0, column, reason: columnReason(field, cell) + (column ? '' : NO_COLUMN) };
}

/** A message of the orders domain's own (totals, a reference taken) as a row error on the field's column. */
function rowErrorAt(
  group: RowGroup,
  mapping: MappedColumn[],
  path: ReadonlyArray<PropertyKey>,
  message: string,
): RowError {
  const { row, field, column, key } = locate(group, mapping, path);
  const missing = field && !column ? NO_COLUMN : '';
  return { row: row?.row ?? 0, column, reason: `${field ?? (key || 'order')} ${message}${missing}` };
}

/** Mapped cells holding what cannot be text (read as U+FFFD, see read-rows): an error on each, by column. */
function unreadableCells(group: RowGroup, mapping: MappedColumn[]): RowError[] {
  return group.rows.flatMap((row) =>
    mapping.flatMap(({ column, field }, index) =>
      field && row.cells[index]?.includes(UNREADABLE)
        ? [{ row: row.row, column, reason: unreadableReason(field) }]
        : [],
    ),
  );
}

export type GroupValidation = { ok: true; input: CreateOrderInput } | { ok: false; errors: RowError[] };

/**
 * The group as a CreateOrderInput, or every problem with it as row errors: unreadable cells, disagreements
 * between its lines and every zod issue.
 */
export function validateGroup(group: RowGroup, mapping: MappedColumn[]): GroupValidation {
  const rows = group.rows.map((row) => valuesOf(row, mapping));
  const order = orderFieldsOf(group, rows, mapping);
  const unreadable = unreadableCells(group, mapping);
  const parsed = CreateOrderInput.safeParse(orderBodyOf(group, rows, order.values));
  if (parsed.success && !order.conflicts.length && !unreadable.length)
    return { ok: true, input: parsed.data };
  const issues = parsed.success ? [] : parsed.error.issues;
  // An unreadable cell fails the validator too; one reason per cell is enough.
  const invalid = issues
    .map((issue) => rowErrorOfIssue(group, mapping, issue))
    .filter((e) => !unreadable.some((u) => u.row === e.row && u.column === e.column));
  return { ok: false, errors: [...unreadable, ...order.conflicts, ...invalid] };
}

/** An AppError from createOrder (totals, a reference used by another order) as row errors. */
export function rowErrorsOfAppError(group: RowGroup, mapping: MappedColumn[], error: AppError): RowError[] {
  if (!error.errors?.length) return [rowErrorAt(group, mapping, [], error.detail)];
  return error.errors.map((e) => rowErrorAt(group, mapping, e.field.split('.'), e.message));
}

/** The one error of a row without a merchant reference (it belongs to no order). */
export function unreferencedRowError(row: number, mapping: MappedColumn[]): RowError {
  const column = mapping.find((m) => m.field === 'merchant_reference')?.column ?? null;
  return { row, column, reason: columnReason('merchant_reference', undefined) };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The rows of a rejected order, one error each, as the dry run, the real run and rejected.csv all report them:
 * a row with problems of its own names every failing column (comma-separated) and every reason; the order's
 * other rows say which row made the order fail, since an order is created whole or not at all.
 */
export function rejectedRows(group: RowGroup, errors: RowError[]): RowError[] {
  const first = errors.reduce<RowError | undefined>((a, e) => (a && a.row <= e.row ? a : e), undefined);
  return group.rows.map(({ row }) => {
    const own = errors.filter((e) => e.row === row);
    if (!own.length) {
      return { row, column: null, reason: `order ${group.reference} is invalid (row ${first?.row ?? row})` };
    }
    const columns = unique(own.flatMap((e) => (e.column === null ? [] : [e.column])));
    return {
      row,
      column: columns.length ? columns.join(', ') : null,
      reason: unique(own.map((e) => e.reason)).join('; '),
    };
  });
}
