import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { DbExecutor, DbPool, DbTransaction, JsonValue } from '@ipay/db';
import { toTimestamp } from '../../../platform/time';
import type { MappedColumn } from './column-mapping';
import type { RowError } from './row-groups';
import type { OrderUpload, OrderUploadStatus } from './schemas';
import type { SheetRow, UploadFormat } from './read-rows';

const uploadColumns = [
  'id',
  'merchant_id',
  'created_by',
  'file_name',
  'format',
  'size_bytes',
  'strict',
  'status',
  'headers',
  'mapping',
  'rows_total',
  'rows_processed',
  'created_count',
  'existing_count',
  'rejected_count',
  'error',
  'created_at',
  'updated_at',
  'completed_at',
] as const;

export function selectUploads(db: DbExecutor) {
  return db.selectFrom('order_uploads').select(uploadColumns);
}
export type UploadRow = Awaited<ReturnType<ReturnType<typeof selectUploads>['executeTakeFirstOrThrow']>>;

export function uploadRowToUpload(row: UploadRow): OrderUpload {
  return {
    id: row.id,
    file_name: row.file_name,
    format: row.format,
    size_bytes: row.size_bytes,
    strict: row.strict,
    status: row.status,
    mapping: row.mapping as unknown as MappedColumn[],
    rows_total: row.rows_total,
    rows_processed: row.rows_processed,
    // Until the file has been read to the end nothing is counted; an upload of no data rows is done when it ends.
    progress: row.rows_total ? row.rows_processed / row.rows_total : row.status === 'completed' ? 1 : 0,
    created_count: row.created_count,
    existing_count: row.existing_count,
    rejected_count: row.rejected_count,
    error: row.error,
    rejected_csv_url: `/api/orders/uploads/${row.id}/rejected.csv`,
    created_at: toTimestamp(row.created_at),
    updated_at: toTimestamp(row.updated_at),
    completed_at: row.completed_at ? toTimestamp(row.completed_at) : null,
  };
}

export interface NewUpload {
  merchantId: string;
  createdBy: string;
  fileName: string;
  format: UploadFormat;
  headers: string[];
  mapping: MappedColumn[];
}

/** Records an upload whose rows are still streaming in: `receiving`, nothing counted yet. */
export function insertReceivingUpload(db: DbExecutor, upload: NewUpload): Promise<UploadRow> {
  return db
    .insertInto('order_uploads')
    .values({
      merchant_id: upload.merchantId,
      created_by: upload.createdBy,
      file_name: upload.fileName,
      format: upload.format,
      size_bytes: 0,
      status: 'receiving',
      headers: JSON.stringify(upload.headers),
      mapping: JSON.stringify(upload.mapping),
      rows_total: 0,
    })
    .returning(uploadColumns)
    .executeTakeFirstOrThrow();
}

/** A parsed data row as parked: its merchant reference (null when it has none) read with the column mapping. */
export interface ParkedRow extends SheetRow {
  reference: string | null;
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Text as a field of COPY's text format, where backslash, tab and line breaks are escaped. */
function copyField(text: string): string {
  return text.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c] ?? c);
}

/**
 * A parked row as a line of COPY's text format. Rows become lines as they are read, so that a batch waiting for
 * its COPY holds a string per row instead of the row's cells.
 */
export function parkedRowLine(uploadId: string, row: ParkedRow): string {
  const reference = row.reference === null ? '\\N' : copyField(row.reference);
  return `${uploadId}\t${row.row}\t${reference}\t${copyField(JSON.stringify(row.cells))}\n`;
}

/**
 * Parks a batch of rows (see parkedRowLine) with one COPY, PostgreSQL's bulk load: no statement to parse or plan,
 * no parameters. The connection is held only for that batch.
 */
export async function copyParkedRows(
  handles: { db: DbExecutor; pool: DbPool },
  uploadId: string,
  lines: string[],
): Promise<void> {
  if (!lines.length) return;
  const text = lines.join('');
  const client = await handles.pool.connect();
  try {
    await pipeline(
      Readable.from([text]),
      client.query(
        copyFrom('copy order_upload_rows (upload_id, row_number, merchant_reference, cells) from stdin'),
      ),
    );
  } finally {
    client.release();
  }
  // A receiving upload that stops moving belongs to a request that died: see deleteStaleReceivingUploads.
  await handles.db
    .updateTable('order_uploads')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', uploadId)
    .execute();
}

/** The file has been read to the end: what it holds. */
export function setReceived(
  db: DbExecutor,
  uploadId: string,
  received: { rowsTotal: number; sizeBytes: number },
): Promise<UploadRow> {
  return db
    .updateTable('order_uploads')
    .set({ rows_total: received.rowsTotal, size_bytes: received.sizeBytes, updated_at: sql<Date>`now()` })
    .where('id', '=', uploadId)
    .returning(uploadColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Re-reads every parked row's reference from another column (a mapping that arrived after the file). The cells
 * were trimmed by the parser, so `btrim` yields what the mapping would have read.
 */
export async function setParkedReferences(db: DbExecutor, uploadId: string, column: number): Promise<void> {
  await db
    .updateTable('order_upload_rows')
    .set({ merchant_reference: sql<string | null>`nullif(btrim(cells ->> ${column}::int), '')` })
    .where('upload_id', '=', uploadId)
    .execute();
}

/** Moves a received upload into its import: mapping and mode as the caller finally sent them. */
export function startImport(
  db: DbExecutor,
  uploadId: string,
  start: { status: 'queued' | 'processing'; mapping: MappedColumn[]; strict: boolean },
): Promise<UploadRow> {
  return db
    .updateTable('order_uploads')
    .set({
      status: start.status,
      mapping: JSON.stringify(start.mapping),
      strict: start.strict,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', uploadId)
    .where('status', '=', 'receiving')
    .returning(uploadColumns)
    .executeTakeFirstOrThrow();
}

/** Deletes an upload with its parked rows (and rejections): a refused file, a dry run. */
export async function deleteUpload(db: DbExecutor, uploadId: string): Promise<void> {
  await db.deleteFrom('order_uploads').where('id', '=', uploadId).execute();
}

/** Distinct merchant references among the parked rows: the orders the file holds. */
export async function countParkedOrders(db: DbExecutor, uploadId: string): Promise<number> {
  const row = await db
    .selectFrom('order_upload_rows')
    .select((eb) => eb.fn.count<string>('merchant_reference').distinct().as('n'))
    .where('upload_id', '=', uploadId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A keyset page of parked rows that have a reference, in (reference, row) order, after `after`. */
export async function findReferencedRowsPage(
  db: DbExecutor,
  uploadId: string,
  after: { reference: string; row: number } | undefined,
  limit: number,
): Promise<ParkedRow[]> {
  let query = db
    .selectFrom('order_upload_rows')
    .select(['row_number', 'merchant_reference', 'cells'])
    .where('upload_id', '=', uploadId)
    .where('merchant_reference', 'is not', null);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('merchant_reference', 'row_number'), '>', eb.tuple(after.reference, after.row)),
    );
  }
  const rows = await query.orderBy('merchant_reference').orderBy('row_number').limit(limit).execute();
  return rows.map(parkedRowOf);
}

/** A keyset page of parked rows without a reference, in file order, after row `after`. */
export async function findUnreferencedRowsPage(
  db: DbExecutor,
  uploadId: string,
  after: number,
  limit: number,
): Promise<ParkedRow[]> {
  const rows = await db
    .selectFrom('order_upload_rows')
    .select(['row_number', 'merchant_reference', 'cells'])
    .where('upload_id', '=', uploadId)
    .where('merchant_reference', 'is', null)
    .where('row_number', '>', after)
    .orderBy('row_number')
    .limit(limit)
    .execute();
  return rows.map(parkedRowOf);
}

function parkedRowOf(r: {
  row_number: number;
  merchant_reference: string | null;
  cells: JsonValue;
}): ParkedRow {
  return { row: r.row_number, reference: r.merchant_reference, cells: (r.cells as JsonValue[]).map(String) };
}

const ROW_BATCH = 1_000;

export interface Rejection extends RowError {
  cells: string[];
}

export async function insertRejections(
  db: DbExecutor,
  uploadId: string,
  rejections: Rejection[],
): Promise<void> {
  for (let start = 0; start < rejections.length; start += ROW_BATCH) {
    await db
      .insertInto('order_upload_rejections')
      .values(
        rejections.slice(start, start + ROW_BATCH).map((r) => ({
          upload_id: uploadId,
          row_number: r.row,
          column: r.column,
          reason: r.reason,
          cells: JSON.stringify(r.cells),
        })),
      )
      .onConflict((oc) => oc.columns(['upload_id', 'row_number']).doNothing())
      .execute();
  }
}

/** One page of an upload's rejected rows after `afterRow`, in row order. */
export function findRejections(db: DbExecutor, page: { uploadId: string; afterRow: number; limit: number }) {
  return db
    .selectFrom('order_upload_rejections')
    .select(['row_number', 'column', 'reason', 'cells'])
    .where('upload_id', '=', page.uploadId)
    .where('row_number', '>', page.afterRow)
    .orderBy('row_number')
    .limit(page.limit)
    .execute();
}

export interface UploadCounts {
  rowsProcessed: number;
  created: number;
  existing: number;
  rejected: number;
}

export async function updateUploadState(
  db: DbExecutor,
  uploadId: string,
  state: { status: OrderUploadStatus; counts?: UploadCounts; error?: string },
): Promise<UploadRow> {
  const done = state.status === 'completed' || state.status === 'failed';
  return db
    .updateTable('order_uploads')
    .set({
      status: state.status,
      ...(state.counts && {
        rows_processed: state.counts.rowsProcessed,
        created_count: state.counts.created,
        existing_count: state.counts.existing,
        rejected_count: state.counts.rejected,
      }),
      ...(state.error !== undefined && { error: state.error }),
      updated_at: sql<Date>`now()`,
      ...(done && { completed_at: sql<Date>`now()` }),
    })
    .where('id', '=', uploadId)
    .returning(uploadColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Adds one transaction's counts to the upload's, in SQL: ranges imported side by side each add their own, so the
 * stored counts only grow, whichever commits first. The row stays locked until the caller's transaction ends.
 */
export function addUploadCounts(
  trx: DbTransaction,
  uploadId: string,
  added: UploadCounts,
): Promise<UploadRow> {
  return trx
    .updateTable('order_uploads')
    .set((eb) => ({
      rows_processed: eb('rows_processed', '+', added.rowsProcessed),
      created_count: eb('created_count', '+', added.created),
      existing_count: eb('existing_count', '+', added.existing),
      rejected_count: eb('rejected_count', '+', added.rejected),
      updated_at: sql<Date>`now()`,
    }))
    .where('id', '=', uploadId)
    .returning(uploadColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Moves an upload that has not ended to `failed` with its reason, in one statement so that a completion racing it
 * wins or loses whole. Undefined when the upload does not exist or had already ended.
 */
export function markUploadFailed(
  trx: DbTransaction,
  uploadId: string,
  error: string,
): Promise<UploadRow | undefined> {
  return trx
    .updateTable('order_uploads')
    .set({ status: 'failed', error, updated_at: sql<Date>`now()`, completed_at: sql<Date>`now()` })
    .where('id', '=', uploadId)
    .where('status', 'in', ['queued', 'processing'])
    .returning(uploadColumns)
    .executeTakeFirst();
}

/** graphile-worker's lock lifetime: a job locked longer than this belonged to a worker that died. */
const STALE_JOB_LOCK = sql`interval '4 hours'`;
/** An upload without a job whose last change is older than this is not being imported by any request either. */
const STALE_UPLOAD = sql`interval '1 hour'`;

/**
 * Uploads that have not ended and never will: their job has used up its runs without a live worker holding it
 * (the last run died with its process, so nothing could mark the upload), or they have no job at all and have
 * not moved for an hour (the job was deleted, or the request importing a small file died).
 */
export async function findAbandonedUploads(
  db: DbExecutor,
): Promise<Array<{ id: string; reason: 'runs_used_up' | 'no_job' }>> {
  const { rows } = await sql<{ id: string; reason: 'runs_used_up' | 'no_job' }>`
    select uploads.id, case when jobs.id is null then 'no_job' else 'runs_used_up' end as reason
    from order_uploads as uploads
    left join graphile_worker.jobs as jobs on jobs.key = 'order-upload:' || uploads.id::text
    where uploads.status in ('queued', 'processing')
      and (
        (jobs.id is null and uploads.updated_at < now() - ${STALE_UPLOAD})
        or (
          jobs.attempts >= jobs.max_attempts
          and (jobs.locked_at is null or jobs.locked_at < now() - ${STALE_JOB_LOCK})
        )
      )
    order by uploads.created_at`.execute(db);
  return rows;
}

/**
 * Deletes, with their parked rows, uploads still `receiving` that have not moved for an hour: the request
 * streaming their file died without cleaning up (its process stopped). Returns how many.
 */
export async function deleteStaleReceivingUploads(db: DbExecutor): Promise<number> {
  const deleted = await db
    .deleteFrom('order_uploads')
    .where('status', '=', 'receiving')
    .where('updated_at', '<', sql<Date>`now() - ${STALE_UPLOAD}`)
    .returning('id')
    .execute();
  return deleted.length;
}

/** The parked rows of some merchant references, in (reference, row) order. */
export async function findRowsOfReferences(
  db: DbExecutor,
  uploadId: string,
  references: string[],
): Promise<ParkedRow[]> {
  if (!references.length) return [];
  const rows = await db
    .selectFrom('order_upload_rows')
    .select(['row_number', 'merchant_reference', 'cells'])
    .where('upload_id', '=', uploadId)
    .where('merchant_reference', 'in', references)
    .orderBy('merchant_reference')
    .orderBy('row_number')
    .execute();
  return rows.map(parkedRowOf);
}
