import { domainError } from '../../../errors/domain-codes';
import type { AppError } from '../../../errors/app-error';
import { CARRIER_RECONCILIATION_ERRORS } from '../errors';
import type { InvoiceLine } from '../schemas';
import type { RowReader } from './cells';

/** One record of the CSV: its line in the file (1-based) and its cells, trimmed. */
export interface CsvRecord {
  row: number;
  cells: string[];
}

/** An invoice line as a format reads it; the running line number is the reader's. */
export type ReadLine = Omit<InvoiceLine, 'lineNumber'>;

/** What one carrier format knows: how its first record looks, and how a record becomes charges. */
export interface InvoiceFormatReader {
  /** What the format is, for refusals: "a UPS billing data file (…)". */
  readonly expected: string;
  readonly delimiter: string;
  /**
   * Checks the first record; throws `invoice_format_mismatch` when the file is not in this format. Returns
   * whether the record was a header (consumed) rather than data.
   */
  start(first: CsvRecord): { header: boolean };
  /** The charges of one record; cell errors go to `reader`, and a row with any gives no lines. */
  read(record: CsvRecord, reader: RowReader): ReadLine[];
}

const DHL_MARKERS = ['line type', 'shipment number'];

/** What the first record of a file looks like, so a refusal can say which format it seems to be. */
export function describeFirstRecord(first: CsvRecord): string {
  const lower = first.cells.map((cell) => cell.toLowerCase());
  if (DHL_MARKERS.every((marker) => lower.includes(marker))) {
    return 'a DHL Express invoice CSV (its header has Line Type and Shipment Number)';
  }
  if (/^\d+\.\d+$/.test(first.cells[0] ?? '') && first.cells.length >= 50) {
    return `a UPS billing data file (no header, ${first.cells.length} columns, version ${first.cells[0]} in column 1)`;
  }
  const looksLikeHeader = first.cells.every((cell) => cell === '' || /^[^\d].*$/.test(cell));
  const shown = first.cells
    .slice(0, 6)
    .map((cell) => JSON.stringify(cell.slice(0, 30)))
    .join(', ');
  const more = first.cells.length > 6 ? ', …' : '';
  return looksLikeHeader
    ? `a CSV whose header is ${shown}${more} (${first.cells.length} columns)`
    : `a CSV of ${first.cells.length} columns whose first row is ${shown}${more}`;
}

export function formatMismatch(reader: InvoiceFormatReader, detail: string): AppError {
  return domainError(
    CARRIER_RECONCILIATION_ERRORS,
    'invoice_format_mismatch',
    `This is not ${reader.expected}: ${detail}`,
  );
}
