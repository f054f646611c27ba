import type { GenericInvoiceMapping } from '../schemas';
import {
  calendarDate,
  currencyCode,
  grams,
  minorAmount,
  optional,
  required,
  trackingNumber,
  type RowReader,
} from './cells';
import {
  describeFirstRecord,
  formatMismatch,
  type CsvRecord,
  type InvoiceFormatReader,
  type ReadLine,
} from './format-reader';

type Column = keyof GenericInvoiceMapping['columns'];

/** An invoice CSV with a header row, read through the carrier's mapping of headers to fields. */
export function genericCsvReader(mapping: GenericInvoiceMapping): InvoiceFormatReader {
  const { columns } = mapping;
  const index = new Map<Column, number>();
  const mapped = Object.entries(columns).filter((entry): entry is [Column, string] => entry[1] !== undefined);
  const reader: InvoiceFormatReader = {
    expected: `an invoice CSV with the headers ${mapped.map(([, header]) => header).join(', ')}`,
    delimiter: mapping.delimiter,
    start(first) {
      const positions = new Map(first.cells.map((cell, position) => [cell.toLowerCase(), position]));
      const missing: string[] = [];
      for (const [column, header] of mapped) {
        const position = positions.get(header.toLowerCase());
        if (position === undefined) missing.push(header);
        else index.set(column, position);
      }
      if (missing.length) {
        throw formatMismatch(
          reader,
          `the header lacks ${missing.join(', ')}; this looks like ${describeFirstRecord(first)}.`,
        );
      }
      return { header: true };
    },
    read(record, row) {
      return readGenericRow(mapping, index, record, row);
    },
  };
  return reader;
}

function readGenericRow(
  mapping: GenericInvoiceMapping,
  index: Map<Column, number>,
  record: CsvRecord,
  row: RowReader,
): ReadLine[] {
  const { columns, decimalSeparator, dateFormat } = mapping;
  const cell = <T>(column: Column, read: (text: string) => T): T | null => {
    const position = index.get(column);
    const header = columns[column];
    if (position === undefined || header === undefined) return null;
    return row.cell(header, record.cells[position], read);
  };
  const currency =
    cell('currency', (text) => currencyCode(required(text))) ?? mapping.invoice.currency ?? null;
  const invoiceNumber = cell('invoiceNumber', required) ?? mapping.invoice.number ?? null;
  const invoiceDate =
    cell('invoiceDate', (text) => calendarDate(required(text), dateFormat)) ?? mapping.invoice.date ?? null;
  const tracking = cell('trackingNumber', trackingNumber);
  const shipDate = cell('shipDate', (text) => (text ? calendarDate(text, dateFormat) : null));
  const weight = cell('billedWeight', (text) =>
    text ? grams(text, mapping.weightUnit, decimalSeparator) : null,
  );
  const amount = currency ? cell('amount', (text) => minorAmount(text, currency, decimalSeparator)) : null;
  const code = cell('chargeCode', (text) => text) ?? '';
  if (
    row.errors.length ||
    currency === null ||
    invoiceNumber === null ||
    invoiceDate === null ||
    amount === null
  ) {
    return [];
  }
  return [
    {
      sourceRow: record.row,
      invoiceNumber,
      invoiceDate,
      trackingNumber: tracking,
      shipmentNumber: null,
      shipDate,
      billedWeightGrams: weight,
      zone: cell('zone', optional),
      chargeKind: mapping.chargeKinds[code] ?? 'other',
      chargeCode: code,
      chargeDescription: cell('chargeDescription', (text) => text) ?? code,
      amountMinor: amount,
      currency,
    },
  ];
}
