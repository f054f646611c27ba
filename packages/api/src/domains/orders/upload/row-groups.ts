import type { z } from 'zod';
import type { AppError } from '../../../errors/app-error';
import { CreateOrderInput } from '../schemas';
import type { MappedColumn, OrderColumn } from './column-mapping';
import type { SheetRow } from './read-rows';

/** What is wrong with one row: its line in the file, the file's column (when one is to blame), why. */
export interface RowError {
  row: number;
  column: string | null;
  reason: string;
}

/** The rows sharing one merchant reference: one order, one item per row. */
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

/** The order as POST /api/orders would receive it; the group's first row carries the order's own fields. */
function orderBodyOf(group: RowGroup, mapping: MappedColumn[]): Record<string, unknown> {
  const rows = group.rows.map((row) => valuesOf(row, mapping));
  const first = rows[0] ?? {};
  const dimensions = [first.length_mm, first.width_mm, first.height_mm];
  return {
    merchant_reference: group.reference,
    customer: {
      name: first.customer_name,
      email: first.customer_email,
      phone: first.customer_phone,
      address: {
        line1: first.address_line1,
        line2: first.address_line2,
        postal_code: first.postal_code,
        city: first.city,
        country: first.country,
      },
    },
    items: rows.map((values) => ({
      sku: values.sku,
      name: values.item_name,
      quantity: numberOrText(values.quantity),
      unit_price_minor: numberOrText(values.unit_price_minor),
    })),
    currency: first.currency,
    carrier_code: first.carrier_code,
    ipay_flag: flagOrText(first.ipay_flag),
    shipping_minor: numberOrText(first.shipping_minor),
    weight_grams: numberOrText(first.weight_grams),
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

/** Turns a field path of the order into the row and the file's column it came from. */
export function rowErrorAt(
  group: RowGroup,
  mapping: MappedColumn[],
  path: ReadonlyArray<PropertyKey>,
  message: string,
): RowError {
  const [head, index, ...rest] = path.map(String);
  const isItem = head === 'items' && index !== undefined && /^\d+$/.test(index);
  const key = isItem ? ['items', ...rest].join('.') : path.map(String).join('.');
  const row = group.rows[isItem ? Number(index) : 0] ?? group.rows[0];
  const field = FIELD_OF_PATH[key];
  const column = field ? (mapping.find((m) => m.field === field)?.column ?? null) : null;
  const named = field ?? (key || 'order');
  const missing = field && !column ? ' (no column of the file maps to it)' : '';
  return { row: row?.row ?? 0, column, reason: `${named} ${message}${missing}` };
}

export type GroupValidation = { ok: true; input: CreateOrderInput } | { ok: false; errors: RowError[] };

/** The group as a CreateOrderInput, or every zod issue as a row error. */
export function validateGroup(group: RowGroup, mapping: MappedColumn[]): GroupValidation {
  const parsed = CreateOrderInput.safeParse(orderBodyOf(group, mapping));
  if (parsed.success) return { ok: true, input: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue: z.core.$ZodIssue) =>
      rowErrorAt(group, mapping, issue.path, issue.message),
    ),
  };
}

/** An AppError from createOrder (totals, a reference used by another order) as row errors. */
export function rowErrorsOfAppError(group: RowGroup, mapping: MappedColumn[], error: AppError): RowError[] {
  if (!error.errors?.length) return [rowErrorAt(group, mapping, [], error.detail)];
  return error.errors.map((e) => rowErrorAt(group, mapping, e.field.split('.'), e.message));
}

/** Groups rows by merchant reference in order of first appearance; rows without one are errors of their own. */
export function groupRows(
  rows: Iterable<SheetRow>,
  mapping: MappedColumn[],
): { groups: RowGroup[]; unreferenced: RowError[] } {
  const byReference = new Map<string, RowGroup>();
  const unreferenced: RowError[] = [];
  const referenceColumn = mapping.find((m) => m.field === 'merchant_reference')?.column ?? null;
  for (const row of rows) {
    const reference = valuesOf(row, mapping).merchant_reference;
    if (!reference) {
      unreferenced.push({ row: row.row, column: referenceColumn, reason: 'merchant_reference is required' });
      continue;
    }
    const group = byReference.get(reference) ?? { reference, rows: [] };
    group.rows.push(row);
    byReference.set(reference, group);
  }
  return { groups: [...byReference.values()], unreferenced };
}
