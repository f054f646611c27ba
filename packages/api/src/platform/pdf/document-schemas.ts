import { z } from 'zod';
import { Language } from '../../pages/i18n';
import { Money } from '../money';

const Text = (max: number) => z.string().trim().min(1).max(max);
/** A calendar date, as finance documents carry them: `2026-11-30`. */
const CalendarDate = z.iso.date().describe('calendar date, YYYY-MM-DD');

/** Sender or recipient: the name, then the address lines as they are printed. */
export const DocumentParty = z.object({
  name: Text(200),
  lines: z.array(Text(200)).max(6).default([]).describe('address lines: street, postcode and city, country'),
  vatNumber: Text(40).optional(),
  email: z.email().optional(),
});

/**
 * How a column prints its cells: `text` as given, `number` in the document's language, `money` from integer
 * minor units with its currency, `date` as a calendar date. Numbers and money align right.
 */
export const ColumnKind = z.enum(['text', 'number', 'money', 'date']);
export type ColumnKind = z.infer<typeof ColumnKind>;

export const DocumentColumn = z.object({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/),
  label: Text(60),
  kind: ColumnKind.default('text'),
});

/** One table cell: text or a date string, an integer, or an amount in minor units; null prints empty. */
export const DocumentCell = z.union([z.string().max(500), z.number().int(), Money, z.null()]);
export type DocumentCell = z.infer<typeof DocumentCell>;

const CELL_KIND_CHECKS: Record<ColumnKind, (cell: DocumentCell) => boolean> = {
  text: (cell) => typeof cell === 'string',
  number: (cell) => typeof cell === 'number',
  money: (cell) => typeof cell === 'object' && cell !== null,
  date: (cell) => typeof cell === 'string' && CalendarDate.safeParse(cell).success,
};

/**
 * The platform's one business document (carrier statement, settlement, quote): a header with the IPAY mark,
 * sender and recipient, number and dates, a table of lines that continues over as many pages as it needs,
 * totals and notes. Labels are the caller's, in `language`; the layout's own words come from the catalogue.
 */
export const DocumentInput = z
  .object({
    language: Language,
    title: Text(120),
    number: Text(64).describe('the document number, e.g. the statement number and revision'),
    issuedOn: CalendarDate,
    dueOn: CalendarDate.optional(),
    period: z.object({ from: CalendarDate, to: CalendarDate }).optional(),
    /** Further facts printed beside the dates: carrier account, invoice number, reference. */
    references: z
      .array(z.object({ label: Text(60), value: Text(200) }))
      .max(8)
      .default([]),
    from: DocumentParty,
    to: DocumentParty,
    columns: z.array(DocumentColumn).min(1).max(10),
    rows: z.array(z.record(z.string(), DocumentCell)).max(20_000),
    /** Printed under the table; the last one (the amount due or claimed) in bold. */
    totals: z
      .array(z.object({ label: Text(80), amount: Money }))
      .max(10)
      .default([]),
    notes: z.array(Text(2_000)).max(20).default([]),
  })
  .superRefine((document, context) => {
    const keys = new Set<string>();
    document.columns.forEach((column, index) => {
      if (keys.has(column.key)) {
        context.addIssue({ code: 'custom', path: ['columns', index, 'key'], message: 'is used twice' });
      }
      keys.add(column.key);
    });
    document.rows.forEach((row, index) => {
      for (const column of document.columns) {
        const cell = row[column.key] ?? null;
        if (cell !== null && !CELL_KIND_CHECKS[column.kind](cell)) {
          context.addIssue({
            code: 'custom',
            path: ['rows', index, column.key],
            message: `must be a ${column.kind} cell`,
          });
        }
      }
    });
  });
export type DocumentInput = z.input<typeof DocumentInput>;
export type ParsedDocument = z.output<typeof DocumentInput>;
