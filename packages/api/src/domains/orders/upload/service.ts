import { stringify } from 'csv-stringify/sync';
import type { Db, DbExecutor, JsonValue } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { enqueueJob } from '../../../jobs/enqueue';
import { scopeFilter } from '../../../platform/data-scope';
import { getActor, type Actor } from '../../auth/service';
import type { DataScope } from '../../rbac/catalogue';
import { assertRequiredColumns, mapColumns } from './column-mapping';
import { importRows } from './import-rows';
import type { SheetRow, UploadFormat } from './read-rows';
import {
  findQueuedRows,
  insertQueuedRows,
  insertUpload,
  selectUploads,
  updateUploadState,
  uploadRowToUpload,
} from './repository';
import { groupRows, validateGroup, valuesOf, type RowError } from './row-groups';
import type { OrderUpload, UploadOptions, UploadResult } from './schemas';

/** Uploads with more data rows than this are parked in order_upload_rows and imported by a job. */
export const UPLOAD_JOB_THRESHOLD_ROWS = 1_000;
const PREVIEW_ROWS = 10;

interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

/** A file read to the end: its header and data rows. */
export interface ParsedUpload {
  fileName: string;
  format: UploadFormat;
  sizeBytes: number;
  headers: string[];
  rows: SheetRow[];
}

function summary(file: ParsedUpload, options: UploadOptions) {
  const mapping = mapColumns(file.headers, options.mapping);
  assertRequiredColumns(mapping);
  const { groups, unreferenced } = groupRows(file.rows, mapping);
  return { mapping, groups, unreferenced };
}

/** Validates every row as the import would, writing nothing. */
function dryRun(file: ParsedUpload, options: UploadOptions): UploadResult {
  const { mapping, groups, unreferenced } = summary(file, options);
  const errors: RowError[] = [...unreferenced];
  for (const group of groups) {
    const validated = validateGroup(group, mapping);
    if (!validated.ok) errors.push(...validated.errors);
  }
  errors.sort((a, b) => a.row - b.row);
  return {
    dry_run: true,
    format: file.format,
    rows_total: file.rows.length,
    orders_total: groups.length,
    mapping,
    preview: file.rows
      .slice(0, PREVIEW_ROWS)
      .map((row) => ({ row: row.row, values: valuesOf(row, mapping) })),
    errors,
    upload: null,
  };
}

/**
 * Records the upload and imports it: in the request when small, else through the `orders.process-upload`
 * job (the rows are parked in the database, the caller polls the upload or follows the event stream).
 */
export async function uploadOrders(
  db: Db,
  request: ScopedRequest & { file: ParsedUpload; options: UploadOptions },
): Promise<{ result: UploadResult; queued: boolean }> {
  const { actor, file, options } = request;
  if (actor.organizationType !== 'merchant') {
    throw new AppError('forbidden', 'Orders are uploaded by merchant users, for their own organization.');
  }
  if (options.dry_run) return { result: dryRun(file, options), queued: false };
  const { mapping, groups } = summary(file, options);
  const queued = file.rows.length > UPLOAD_JOB_THRESHOLD_ROWS;
  const upload = await db.transaction().execute(async (trx) => {
    const row = await insertUpload(trx, {
      merchantId: actor.organizationId,
      createdBy: actor.userId,
      fileName: file.fileName,
      format: file.format,
      sizeBytes: file.sizeBytes,
      strict: options.strict,
      headers: file.headers,
      mapping,
      rowsTotal: file.rows.length,
    });
    if (queued) {
      await insertQueuedRows(trx, row.id, file.rows);
      await enqueueJob(
        trx,
        'orders.process-upload',
        { uploadId: row.id },
        { jobKey: `order-upload:${row.id}` },
      );
    }
    return row;
  });
  const base = {
    dry_run: false,
    format: file.format,
    rows_total: file.rows.length,
    orders_total: groups.length,
    mapping,
    preview: [],
  };
  if (queued) return { result: { ...base, errors: [], upload: uploadRowToUpload(upload) }, queued };
  const imported = await importRows(db, { upload, actor, rows: file.rows, announceProgress: false });
  const errors = imported.errors.map(({ row, column, reason }) => ({ row, column, reason }));
  return { result: { ...base, errors, upload: imported.upload }, queued };
}

/** The job's work: imports the parked rows of a queued upload; a completed upload is left alone. */
export async function processQueuedUpload(db: Db, uploadId: string): Promise<OrderUpload> {
  const upload = await selectUploads(db).where('id', '=', uploadId).executeTakeFirst();
  if (!upload) throw new AppError('not_found', `Order upload ${uploadId} does not exist.`);
  if (upload.status === 'completed' || upload.status === 'failed') return uploadRowToUpload(upload);
  const actor = await getActor(db, { userId: upload.created_by, organizationId: upload.merchant_id });
  if (!actor) {
    const failed = await updateUploadState(db, uploadId, {
      status: 'failed',
      error: 'The uploading user no longer exists or is disabled.',
    });
    return uploadRowToUpload(failed);
  }
  // A retried job starts over: rejections are rewritten, orders already created come back as existing.
  await db.deleteFrom('order_upload_rejections').where('upload_id', '=', uploadId).execute();
  const processing = await updateUploadState(db, uploadId, { status: 'processing' });
  const rows = await findQueuedRows(db, uploadId);
  return (await importRows(db, { upload: processing, actor, rows, announceProgress: true })).upload;
}

async function findScopedUpload(db: DbExecutor, request: ScopedRequest & { id: string }) {
  const row = await selectUploads(db)
    .where('id', '=', request.id)
    .where(scopeFilter(request.scope, request.actor, { organization: 'merchant_id', owner: 'created_by' }))
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Order upload ${request.id} does not exist.`);
  return row;
}

export async function getOrderUpload(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<OrderUpload> {
  return uploadRowToUpload(await findScopedUpload(db, request));
}

/** The rejected rows under the file's own headers, with row and reason columns in front. */
export async function rejectedRowsCsv(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<string> {
  const upload = await findScopedUpload(db, request);
  const rejections = await db
    .selectFrom('order_upload_rejections')
    .select(['row_number', 'column', 'reason', 'cells'])
    .where('upload_id', '=', upload.id)
    .orderBy('row_number')
    .execute();
  const headers = (upload.headers as JsonValue[]).map(String);
  return stringify([
    ['row', 'reason', 'column', ...headers],
    ...rejections.map((r) => [
      String(r.row_number),
      r.reason,
      r.column ?? '',
      ...(r.cells as JsonValue[]).map(String),
    ]),
  ]);
}
