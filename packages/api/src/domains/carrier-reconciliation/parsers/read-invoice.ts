import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { domainError } from '../../../errors/domain-codes';
import { CARRIER_RECONCILIATION_ERRORS } from '../errors';
import type { GenericInvoiceMapping, InvoiceCellError, InvoiceFormat, InvoiceLine } from '../schemas';
import { RowReader } from './cells';
import { dhlExpressReader } from './dhl-express';
import type { CsvRecord, InvoiceFormatReader } from './format-reader';
import { genericCsvReader } from './generic-csv';
import { upsBillingDataReader } from './ups-billing-data';

/** A row longer than this is refused rather than buffered: a UPS row of 250 columns is about 1 KiB. */
const MAX_RECORD_BYTES = 64 * 1024;
/** Cell errors kept for the answer; the rest are counted. */
const MAX_KEPT_ERRORS = 100;

/** The file's bytes as they arrive: a request stream, a file stream, or chunks in memory. */
export type InvoiceSource = AsyncIterable<Buffer | string> | Iterable<Buffer | string>;

export interface InvoiceTotals {
  invoiceNumber: string;
  invoiceDate: string;
  currency: string;
  lines: number;
  amountMinor: number;
}

export interface InvoiceReadSummary {
  format: InvoiceFormat;
  /** SHA-256 of the file's bytes, hex: the same file uploaded twice has the same hash. */
  contentHash: string;
  rows: number;
  lines: number;
  /** The first cell errors, by row and column; `errorCount` counts them all. */
  errors: InvoiceCellError[];
  errorCount: number;
  /** Per invoice number on the file (a UPS file may carry several invoices), in order of appearance. */
  invoices: InvoiceTotals[];
}

export type InvoiceReadOptions =
  | { format: 'ups-billing-data' | 'dhl-express-csv' }
  | { format: 'generic-csv'; mapping: GenericInvoiceMapping };

function formatReader(options: InvoiceReadOptions): InvoiceFormatReader {
  if (options.format === 'generic-csv') return genericCsvReader(options.mapping);
  return options.format === 'ups-billing-data' ? upsBillingDataReader() : dhlExpressReader();
}

async function* hashed(source: InvoiceSource, hash: ReturnType<typeof createHash>) {
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    hash.update(bytes);
    yield bytes;
  }
}

async function* csvRecords(source: Readable, delimiter: string): AsyncGenerator<CsvRecord> {
  const parser = source.pipe(
    parse({
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      max_record_size: MAX_RECORD_BYTES,
    }),
  );
  source.on('error', (error) => parser.destroy(error));
  try {
    for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { row: record.info.lines, cells: record.record };
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw domainError(
      CARRIER_RECONCILIATION_ERRORS,
      'invoice_unreadable',
      `The file is not readable CSV: ${error.message}`,
    );
  }
}

/**
 * Reads a carrier invoice file as a stream: every charge becomes a normalised line, handed to `onBatch` a batch
 * at a time (awaited, so a slow consumer slows the reading instead of the lines piling up in memory), and every
 * cell that cannot be read becomes an error naming its row and column (its row gives no lines). A file in another
 * format is refused at its first row (`invoice_format_mismatch`, 422). What a caller does with a file that has
 * cell errors is its decision; the summary counts them and keeps the first hundred.
 */
export async function readCarrierInvoice(
  source: InvoiceSource,
  options: InvoiceReadOptions & {
    batchSize?: number;
    onBatch: (lines: InvoiceLine[]) => Promise<void> | void;
  },
): Promise<InvoiceReadSummary> {
  const batchSize = options.batchSize ?? 2_000;
  const reader = formatReader(options);
  const hash = createHash('sha256');
  const summary: InvoiceReadSummary = {
    format: options.format,
    contentHash: '',
    rows: 0,
    lines: 0,
    errors: [],
    errorCount: 0,
    invoices: [],
  };
  const totals = new Map<string, InvoiceTotals>();
  let batch: InvoiceLine[] = [];
  let started = false;
  for await (const record of csvRecords(Readable.from(hashed(source, hash)), reader.delimiter)) {
    if (!started) {
      started = true;
      if (reader.start(record).header) continue;
    }
    summary.rows++;
    const row = new RowReader(record.row);
    const lines = reader.read(record, row);
    summary.errorCount += row.errors.length;
    summary.errors.push(...row.errors.slice(0, MAX_KEPT_ERRORS - summary.errors.length));
    for (const line of lines) {
      const numbered = { lineNumber: ++summary.lines, ...line };
      batch.push(numbered);
      addToTotals(totals, numbered);
    }
    if (batch.length >= batchSize) {
      await options.onBatch(batch);
      batch = [];
    }
  }
  if (batch.length) await options.onBatch(batch);
  summary.contentHash = hash.digest('hex');
  summary.invoices = [...totals.values()];
  return summary;
}

function addToTotals(totals: Map<string, InvoiceTotals>, line: InvoiceLine): void {
  const key = `${line.invoiceNumber}\u0000${line.currency}`;
  const entry = totals.get(key);
  if (entry) {
    entry.lines++;
    entry.amountMinor += line.amountMinor;
    return;
  }
  totals.set(key, {
    invoiceNumber: line.invoiceNumber,
    invoiceDate: line.invoiceDate,
    currency: line.currency,
    lines: 1,
    amountMinor: line.amountMinor,
  });
}
