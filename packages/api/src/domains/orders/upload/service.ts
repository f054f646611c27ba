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
  findAbandonedUploads,
  findQueuedRows,
  insertQueuedRows,
  insertUpload,
  markUploadFailed,
  selectUploads,
  updateUploadState,
  uploadRowToUpload,
} from './repository';
import { groupRows, validateGroup, valuesOf, type RowError } from './row-groups';
import { announceUpload } from './upload-events';
import type { OrderUpload, UploadOptions, UploadResult } from './schemas';

/** Uploads with more data rows than this are parked in order_upload_rows and imported by a job. */
export const UPLOAD_JOB_THRESHOLD_ROWS = 1_000;
/**
 * Runs of the import job before the upload is given up as failed. graphile-worker waits e^n seconds after the
 * n-th failure, so the last run comes about half an hour after the first (its default of 25 would keep a
 * merchant's upload `processing` for days).
 */
export const UPLOAD_JOB_MAX_ATTEMPTS = 8;
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
        { jobKey: `order-upload:${row.id}`, maxAttempts: UPLOAD_JOB_MAX_ATTEMPTS },
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
  const imported = await importRows(db, { upload, actor, rows: file.rows, announceProgress: false }).catch(
    async (error: unknown) => {
      // The caller gets the 500; the upload must not stay `processing` for whoever polls it. Should this fail as
      // well, the hourly sweep ends the upload.
      await failUpload(db, upload.id, failureReason(error, 1)).catch(() => undefined);
      throw error;
    },
  );
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
    const failed = await failUpload(db, uploadId, 'The uploading user no longer exists or is disabled.');
    return failed ?? uploadRowToUpload(upload);
  }
  // A retried job starts over: rejections are rewritten, orders already created come back as existing.
  await db.deleteFrom('order_upload_rejections').where('upload_id', '=', uploadId).execute();
  const processing = await updateUploadState(db, uploadId, { status: 'processing' });
  const rows = await findQueuedRows(db, uploadId);
  return (await importRows(db, { upload: processing, actor, rows, announceProgress: true })).upload;
}

/** Ends the upload as failed: reason recorded, parked rows dropped, order_upload.failed announced. */
async function failUpload(db: Db, uploadId: string, reason: string): Promise<OrderUpload | undefined> {
  return db.transaction().execute(async (trx) => {
    const failed = await markUploadFailed(trx, uploadId, reason);
    if (!failed) return undefined;
    // Nothing will import them now; a merchant who uploads the file again gets only the missing orders created.
    await trx.deleteFrom('order_upload_rows').where('upload_id', '=', uploadId).execute();
    await announceUpload(trx, 'order_upload.failed', failed);
    return uploadRowToUpload(failed);
  });
}

/** Every failed upload has imported part of the file at most, and re-uploading is safe. */
const UPLOAD_AGAIN =
  'The orders it imported are kept (created_count, existing_count); upload the file again to import the rest: ' +
  'orders that exist already are not duplicated.';

/**
 * What the merchant reads when the job gave up. An AppError below 500 is meant for callers; anything else is an
 * internal fault whose message (SQL, stack) stays in the worker's log.
 */
function failureReason(error: unknown, attempts: number): string {
  const runs = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  const cause =
    error instanceof AppError && error.status < 500
      ? error.detail.replace(/\.$/, '')
      : 'an internal error (IPAY has the details)';
  return `The import stopped after ${runs}: ${cause}. ${UPLOAD_AGAIN}`;
}

/**
 * Called by the job when its last run failed: the upload ends `failed` instead of staying `processing` with no
 * job left to finish it. An upload that has ended already is left as it is (undefined).
 */
export function failQueuedUpload(
  db: Db,
  request: { uploadId: string; error: unknown; attempts: number },
): Promise<OrderUpload | undefined> {
  return failUpload(db, request.uploadId, failureReason(request.error, request.attempts));
}

const ABANDONED_REASONS = {
  runs_used_up: 'The import stopped: its last run ended without finishing (the worker running it stopped).',
  no_job: 'The import stopped: nothing is left to finish it.',
} as const;

/**
 * The hourly sweep for uploads that would otherwise stay `processing` forever (see findAbandonedUploads): each
 * ends `failed` as a failed last run does. Returns how many were ended.
 */
export async function failAbandonedUploads(db: Db): Promise<number> {
  let ended = 0;
  for (const { id, reason } of await findAbandonedUploads(db)) {
    const upload = await failUpload(db, id, `${ABANDONED_REASONS[reason]} ${UPLOAD_AGAIN}`);
    if (upload) ended += 1;
  }
  return ended;
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
