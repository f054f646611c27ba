import { sql } from 'kysely';
import type { DbExecutor, DbTransaction, JsonValue } from '@ipay/db';
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
    format: row.format as UploadFormat,
    size_bytes: row.size_bytes,
    strict: row.strict,
    status: row.status as OrderUploadStatus,
    mapping: row.mapping as unknown as MappedColumn[],
    rows_total: row.rows_total,
    rows_processed: row.rows_processed,
    progress: row.rows_total ? row.rows_processed / row.rows_total : 1,
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
  sizeBytes: number;
  strict: boolean;
  headers: string[];
  mapping: MappedColumn[];
  rowsTotal: number;
}

export function insertUpload(db: DbExecutor, upload: NewUpload): Promise<UploadRow> {
  return db
    .insertInto('order_uploads')
    .values({
      merchant_id: upload.merchantId,
      created_by: upload.createdBy,
      file_name: upload.fileName,
      format: upload.format,
      size_bytes: upload.sizeBytes,
      strict: upload.strict,
      headers: JSON.stringify(upload.headers),
      mapping: JSON.stringify(upload.mapping),
      rows_total: upload.rowsTotal,
    })
    .returning(uploadColumns)
    .executeTakeFirstOrThrow();
}

const ROW_BATCH = 1_000;

/** Parks the parsed rows for the job, in batches so one statement stays well under PostgreSQL's parameter limit. */
export async function insertQueuedRows(db: DbExecutor, uploadId: string, rows: SheetRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROW_BATCH) {
    await db
      .insertInto('order_upload_rows')
      .values(
        rows
          .slice(start, start + ROW_BATCH)
          .map((r) => ({ upload_id: uploadId, row_number: r.row, cells: JSON.stringify(r.cells) })),
      )
      .execute();
  }
}

export async function findQueuedRows(db: DbExecutor, uploadId: string): Promise<SheetRow[]> {
  const rows = await db
    .selectFrom('order_upload_rows')
    .select(['row_number', 'cells'])
    .where('upload_id', '=', uploadId)
    .orderBy('row_number')
    .execute();
  return rows.map((r) => ({ row: r.row_number, cells: (r.cells as JsonValue[]).map(String) }));
}

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
