import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db, DbExecutor, DbPool } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type { Actor } from '../../auth/service';
import type { DataScope } from '../../rbac/catalogue';
import { enqueueJob } from '../../../jobs/enqueue';
import { CARRIER_RECONCILIATION_ERRORS } from '../errors';
import { assertAllScope } from './scope';
import {
  readCarrierInvoice,
  type InvoiceReadOptions,
  type InvoiceReadSummary,
  type InvoiceSource,
} from '../parsers/read-invoice';
import {
  GenericInvoiceMapping,
  type CarrierInvoiceImport,
  type InvoiceFormat,
  type InvoiceLine,
  type InvoiceUploadOptions,
  type InvoiceUploadResult,
  type ListCarrierInvoicesInput,
  type ReconciliationTotals,
} from '../schemas';
import { reconciliationTotals } from './reconciliations';

/** Lines per COPY: big enough that a 100,000-line file is a few dozen loads, small enough to hold in memory. */
const COPY_BATCH_LINES = 5_000;

/** The format of a carrier's invoices: named in the form, or the carrier's own. */
export function invoiceReadOptions(carrierCode: string, options: InvoiceUploadOptions): InvoiceReadOptions {
  const format: InvoiceFormat | undefined =
    options.format ??
    (carrierCode === 'UPS'
      ? 'ups-billing-data'
      : /^DHL(_EXPRESS)?$/.test(carrierCode)
        ? 'dhl-express-csv'
        : undefined);
  if (format === 'ups-billing-data' || format === 'dhl-express-csv') return { format };
  if (!format) {
    throw AppError.validation(
      'format',
      `is required for ${carrierCode}, before the file part: ups-billing-data, dhl-express-csv, or generic-csv with its mapping (UPS and DHL default to their own)`,
      'required',
    );
  }
  if (!options.mapping)
    throw AppError.validation('mapping', 'is required for generic-csv, before the file part', 'required');
  let json: unknown;
  try {
    json = JSON.parse(options.mapping);
  } catch {
    throw AppError.validation('mapping', 'is not JSON', 'invalid_json');
  }
  const mapping = GenericInvoiceMapping.safeParse(json);
  if (!mapping.success) {
    const [issue] = mapping.error.issues;
    throw AppError.validation(
      `mapping.${issue?.path.join('.') ?? ''}`.replace(/\.$/, ''),
      issue?.message ?? 'is invalid',
      'invalid_mapping',
    );
  }
  return { format: 'generic-csv', mapping: mapping.data };
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const copyText = (text: string | null) =>
  text === null ? '\\N' : text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c] ?? c);
const copyNumber = (value: number | null) => (value === null ? '\\N' : String(value));

/** A line in COPY's text format, in the column order of COPY_LINES. */
function copyLine(importId: string, line: InvoiceLine): string {
  return [
    importId,
    line.lineNumber,
    line.sourceRow,
    copyText(line.invoiceNumber),
    line.invoiceDate,
    copyText(line.trackingNumber),
    copyText(line.shipmentNumber),
    copyText(line.shipDate),
    copyNumber(line.billedWeightGrams),
    copyText(line.zone),
    line.chargeKind,
    copyText(line.chargeCode),
    copyText(line.chargeDescription),
    line.amountMinor,
    line.currency,
  ].join('\t');
}
const COPY_LINES = `copy carrier_invoice_lines (import_id, line_number, source_row, invoice_number, invoice_date,
  tracking_number, shipment_number, ship_date, billed_weight_grams, zone, charge_kind, charge_code,
  charge_description, amount_minor, currency) from stdin`;

async function copyLines(pool: DbPool, importId: string, lines: InvoiceLine[]): Promise<void> {
  const text = `${lines.map((line) => copyLine(importId, line)).join('\n')}\n`;
  const client = await pool.connect();
  try {
    await pipeline(Readable.from([text]), client.query(copyFrom(COPY_LINES)));
  } finally {
    client.release();
  }
}

const importColumns = [
  'id',
  'carrier_code',
  'format',
  'file_name',
  'content_hash',
  'size_bytes',
  'rows',
  'lines',
  'invoices',
  'created_at',
  'matched_at',
] as const;

function importRowToImport(
  row: {
    id: string;
    carrier_code: string;
    format: InvoiceFormat;
    file_name: string;
    content_hash: string | null;
    size_bytes: number | null;
    rows: number | null;
    lines: number | null;
    invoices: unknown;
    created_at: Date;
    matched_at: Date | null;
  },
  totals: ReconciliationTotals[] = [],
): CarrierInvoiceImport {
  return {
    id: row.id,
    carrier_code: row.carrier_code,
    format: row.format,
    file_name: row.file_name,
    content_hash: row.content_hash ?? '',
    size_bytes: row.size_bytes ?? 0,
    rows: row.rows ?? 0,
    lines: row.lines ?? 0,
    invoices: row.invoices as CarrierInvoiceImport['invoices'],
    created_at: toTimestamp(row.created_at),
    matching: row.matched_at ? 'done' : 'pending',
    matched_at: row.matched_at ? toTimestamp(row.matched_at) : null,
    totals,
  };
}

/** The imports with their reconciliation totals (empty for imports not matched yet). */
async function withTotals(
  db: DbExecutor,
  rows: ReadonlyArray<Parameters<typeof importRowToImport>[0]>,
): Promise<CarrierInvoiceImport[]> {
  const totals = await reconciliationTotals(
    db,
    rows.filter((row) => row.matched_at).map((row) => row.id),
  );
  return rows.map((row) => importRowToImport(row, totals.get(row.id)));
}

function findImported(db: DbExecutor, carrierCode: string, contentHash: string) {
  return db
    .selectFrom('carrier_invoice_imports')
    .select(importColumns)
    .where('carrier_code', '=', carrierCode)
    .where('content_hash', '=', contentHash)
    .where('status', '=', 'imported')
    .executeTakeFirst();
}

function cellsInvalid(summary: InvoiceReadSummary): AppError {
  const [first] = summary.errors;
  const where = first ? ` The first: row ${first.row}, column ${first.column}: ${first.message}.` : '';
  return domainError(
    CARRIER_RECONCILIATION_ERRORS,
    'invoice_cells_invalid',
    `${summary.errorCount} cell(s) of the file could not be read; nothing was imported.${where}`,
    {
      errors: summary.errors.map((error) => ({
        field: `row ${error.row}, column ${error.column}`,
        message: error.message,
        code: 'invalid_cell',
      })),
    },
  );
}

/**
 * Stores an uploaded carrier invoice and its lines as the file streams in: the lines are loaded with COPY a batch
 * at a time (one batch loading while the next is read) under an import row that is `receiving` until the file is
 * read. Then a file with any unreadable cell, or of another format, is deleted with its lines (nothing imported,
 * a 422 naming the cells); a file this carrier's invoices hold already (the same SHA-256) is deleted too and the
 * first import is answered, `already_imported`; otherwise the import becomes `imported` with its totals.
 */
export async function importCarrierInvoice(
  db: Db,
  request: {
    pool: DbPool;
    actor: Actor;
    scope: DataScope;
    carrierCode: string;
    fileName: string;
    read: InvoiceReadOptions;
    file: InvoiceSource;
    bytesRead: () => number;
  },
): Promise<InvoiceUploadResult> {
  assertAllScope(request.scope);
  const { carrierCode } = request;
  const { id } = await db
    .insertInto('carrier_invoice_imports')
    .values({
      carrier_code: carrierCode,
      format: request.read.format,
      file_name: request.fileName,
      status: 'receiving',
      created_by: request.actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const discard = () => db.deleteFrom('carrier_invoice_imports').where('id', '=', id).execute();
  let contentHash: string | undefined;
  try {
    let loading: Promise<void> = Promise.resolve();
    const summary = await readCarrierInvoice(request.file, {
      ...request.read,
      batchSize: COPY_BATCH_LINES,
      onBatch: async (lines) => {
        await loading;
        loading = copyLines(request.pool, id, lines);
        // Awaited by the next batch or at the end; until then a failure must not count as unhandled.
        loading.catch(() => undefined);
      },
    });
    await loading;
    if (summary.errorCount) throw cellsInvalid(summary);
    if (!summary.rows) throw AppError.validation('file', 'holds no invoice rows', 'empty_file');
    contentHash = summary.contentHash;
    const existing = await findImported(db, carrierCode, contentHash);
    if (existing) {
      await discard();
      const [answer] = await withTotals(db, [existing]);
      return { import: answer ?? importRowToImport(existing), already_imported: true };
    }
    // The matching job is enqueued in the commit that makes the import `imported`: no import without its job.
    const imported = await db.transaction().execute(async (trx) => {
      await enqueueJob(
        trx,
        'carrier-reconciliation.match-import',
        { importId: id },
        // One carrier's imports are matched one at a time, in upload order: "billed on an earlier import"
        // then sees every earlier import's reconciliations.
        { jobKey: `match-import:${id}`, queueName: `carrier-reconciliation:${carrierCode}` },
      );
      return trx
        .updateTable('carrier_invoice_imports')
        .set({
          status: 'imported',
          content_hash: summary.contentHash,
          size_bytes: request.bytesRead(),
          rows: summary.rows,
          lines: summary.lines,
          invoices: JSON.stringify(summary.invoices),
          imported_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .returning(importColumns)
        .executeTakeFirstOrThrow();
    });
    return { import: importRowToImport(imported), already_imported: false };
  } catch (error) {
    await discard();
    // The same file finished by a concurrent upload first: the unique index on the hash refused ours.
    const raced =
      (error as { code?: string }).code === '23505' && contentHash
        ? await findImported(db, carrierCode, contentHash)
        : undefined;
    if (raced) {
      const [answer] = await withTotals(db, [raced]);
      return { import: answer ?? importRowToImport(raced), already_imported: true };
    }
    throw error;
  }
}

/** A carrier's imported invoices, newest first. */
export async function listCarrierInvoices(
  db: DbExecutor,
  request: { scope: DataScope; input: ListCarrierInvoicesInput },
): Promise<Page<CarrierInvoiceImport>> {
  assertAllScope(request.scope);
  const query = db
    .selectFrom('carrier_invoice_imports')
    .select(importColumns.map((column) => `carrier_invoice_imports.${column}` as const))
    .where('carrier_invoice_imports.carrier_code', '=', request.input.cc)
    .where('carrier_invoice_imports.status', '=', 'imported');
  const page = await fetchPage(query, request.input, {
    orderBy: ['carrier_invoice_imports.created_at', 'carrier_invoice_imports.id'],
    direction: 'desc',
  });
  return { ...page, items: await withTotals(db, page.items) };
}
