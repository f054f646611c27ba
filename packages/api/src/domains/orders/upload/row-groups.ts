import type { z } from 'zod';
import type { AppError } from '../../../errors/app-error';
import { CreateOrderInput } from '../schemas';
import { ORDER_COLUMN_NAMES, type MappedColumn, type OrderColumn } from './column-mapping';
import type { SheetRow } from './read-rows';

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

const TRUE = new Set(['true', '1', 'yes', 'y', 'ja', 'j', 'oui', 'o', 'wahr', 'vrai', 'x']);
const FALSE = new Set(['false', '0', 'no', 'n', 'nee', 'nein', 'non', 'faux', 'falsch']);

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

/**
 * Turns a field path of the order into the row and the file's column it came from: an item's own line, or for
 * an order field the first line that fills it (the first line when none does).
 */
export function rowErrorAt(
  group: RowGroup,
  mapping: MappedColumn[],
  path: ReadonlyArray<PropertyKey>,
  message: string,
): RowError {
  const [head, index, ...rest] = path.map(String);
  const isItem = head === 'items' && index !== undefined && /^\d+$/.test(index);
  const key = isItem ? ['items', ...rest].join('.') : path.map(String).join('.');
  const field = FIELD_OF_PATH[key];
  const filled = field ? group.rows.findIndex((r) => valuesOf(r, mapping)[field] !== undefined) : -1;
  const row = group.rows[isItem ? Number(index) : Math.max(filled, 0)] ?? group.rows[0];
  const column = field ? (mapping.find((m) => m.field === field)?.column ?? null) : null;
  const named = field ?? (key || 'order');
  const missing = field && !column ? ' (no column of the file maps to it)' : '';
  return { row: row?.row ?? 0, column, reason: `${named} ${message}${missing}` };
}

export type GroupValidation = { ok: true; input: CreateOrderInput } | { ok: false; errors: RowError[] };

/** The group as a CreateOrderInput, or every disagreement between its lines and every zod issue as row errors. */
export function validateGroup(group: RowGroup, mapping: MappedColumn[]): GroupValidation {
  const rows = group.rows.map((row) => valuesOf(row, mapping));
  const order = orderFieldsOf(group, rows, mapping);
  const parsed = CreateOrderInput.safeParse(orderBodyOf(group, rows, order.values));
  if (parsed.success && !order.conflicts.length) return { ok: true, input: parsed.data };
  const issues = parsed.success ? [] : parsed.error.issues;
  return {
    ok: false,
    errors: [
      ...order.conflicts,
      ...issues.map((issue: z.core.$ZodIssue) => rowErrorAt(group, mapping, issue.path, issue.message)),
    ].sort((a, b) => a.row - b.row),
  };
}

/** An AppError from createOrder (totals, a reference used by another order) as row errors. */
export function rowErrorsOfAppError(group: RowGroup, mapping: MappedColumn[], error: AppError): RowError[] {
  if (!error.errors?.length) return [rowErrorAt(group, mapping, [], error.detail)];
  return error.errors.map((e) => rowErrorAt(group, mapping, e.field.split('.'), e.message));
}
