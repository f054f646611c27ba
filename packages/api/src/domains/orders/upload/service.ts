import type { Db, DbExecutor, JsonValue } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { enqueueJob } from '../../../jobs/enqueue';
import { scopeFilter } from '../../../platform/data-scope';
import { csvStream, type TableRow } from '../../../platform/table-writer';
import { getActor, type Actor } from '../../auth/service';
import type { DataScope } from '../../rbac/catalogue';
import { assertRequiredColumns, mapColumns, type MappedColumn } from './column-mapping';
import { importParkedRows } from './import-rows';
import { assertMerchantUpload, discardUpload, type ParkedFile } from './park-upload';
import { parkedGroups, unreferencedRowPages } from './parked-rows';
import {
  countParkedOrders,
  deleteStaleReceivingUploads,
  findAbandonedUploads,
  findRejections,
  markUploadFailed,
  selectUploads,
  setParkedReferences,
  startImport,
  updateUploadState,
  uploadRowToUpload,
} from './repository';
import { rejectedRows, unreferencedRowError, validateGroup, valuesOf, type RowError } from './row-groups';
import { announceUpload } from './upload-events';
import type { OrderUpload, UploadOptions, UploadResult } from './schemas';

/** Uploads with more data rows than this are imported by a job; smaller ones in the request. */
export const UPLOAD_JOB_THRESHOLD_ROWS = 1_000;
/**
 * Runs of the import job before the upload is given up as failed. graphile-worker waits e^n seconds after the
 * n-th failure, so the last run comes about half an hour after the first (its default of 25 would keep a
 * merchant's upload `processing` for days).
 */
export const UPLOAD_JOB_MAX_ATTEMPTS = 8;

interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

/**
 * The final mapping (the caller's overrides may have arrived after the file), checked, with the parked rows'
 * references re-read when it takes them from another column than the automatic mapping did.
 */
async function settleMapping(db: Db, file: ParkedFile, options: UploadOptions): Promise<MappedColumn[]> {
  const mapping = mapColumns(file.headers, options.mapping);
  assertRequiredColumns(mapping);
  const referenceColumn = mapping.findIndex((m) => m.field === 'merchant_reference');
  if (referenceColumn !== file.referenceColumn) await setParkedReferences(db, file.uploadId, referenceColumn);
  return mapping;
}

/** Validates every parked row as the import would, creating nothing. */
async function dryRun(db: Db, file: ParkedFile, mapping: MappedColumn[]): Promise<UploadResult> {
  const errors: RowError[] = [];
  for await (const page of unreferencedRowPages(db, file.uploadId)) {
    errors.push(...page.map(({ row }) => unreferencedRowError(row, mapping)));
  }
  let ordersTotal = 0;
  for await (const group of parkedGroups(db, file.uploadId)) {
    ordersTotal += 1;
    const validated = validateGroup(group, mapping);
    // Reported as the real run records them: every row of the order, each with all its failing columns.
    if (!validated.ok) errors.push(...rejectedRows(group, validated.errors));
  }
  errors.sort((a, b) => a.row - b.row);
  return {
    dry_run: true,
    format: file.format,
    rows_total: file.rowsTotal,
    orders_total: ordersTotal,
    mapping,
    preview: file.preview.map((row) => ({ row: row.row, values: valuesOf(row, mapping) })),
    errors,
    upload: null,
  };
}

/** Runs `work` on a received upload; should it fail, the upload is deleted with its parked rows. */
async function discardOnFailure<T>(db: Db, uploadId: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await discardUpload(db, uploadId);
    throw error;
  }
}

/**
 * Takes a parked file (see parkUpload) on to its end. A dry run validates it and deletes it. A real run imports
 * it in the request when small, else through the `orders.process-upload` job (the caller polls the upload or
 * follows the event stream). Until the upload is handed to its import it is deleted on any failure.
 */
export async function uploadOrders(
  db: Db,
  request: ScopedRequest & { file: ParkedFile; options: UploadOptions },
): Promise<{ result: UploadResult; queued: boolean }> {
  const { actor, file, options } = request;
  assertMerchantUpload(actor);
  const mapping = await discardOnFailure(db, file.uploadId, () => settleMapping(db, file, options));
  if (options.dry_run) {
    const result = await discardOnFailure(db, file.uploadId, () => dryRun(db, file, mapping));
    await discardUpload(db, file.uploadId);
    return { result, queued: false };
  }
  const queued = file.rowsTotal > UPLOAD_JOB_THRESHOLD_ROWS;
  const { upload, ordersTotal } = await discardOnFailure(db, file.uploadId, async () => {
    const ordersTotal = await countParkedOrders(db, file.uploadId);
    const upload = await db.transaction().execute(async (trx) => {
      const started = await startImport(trx, file.uploadId, {
        status: queued ? 'queued' : 'processing',
        mapping,
        strict: options.strict,
      });
      if (queued) {
        await enqueueJob(
          trx,
          'orders.process-upload',
          { uploadId: started.id },
          { jobKey: `order-upload:${started.id}`, maxAttempts: UPLOAD_JOB_MAX_ATTEMPTS },
        );
      }
      return started;
    });
    return { upload, ordersTotal };
  });
  const base = {
    dry_run: false,
    format: file.format,
    rows_total: file.rowsTotal,
    orders_total: ordersTotal,
    mapping,
    preview: [],
  };
  if (queued) return { result: { ...base, errors: [], upload: uploadRowToUpload(upload) }, queued };
  const imported = await importParkedRows(db, { upload, actor, announceProgress: false }).catch(
    async (error: unknown) => {
      // The caller gets the 500; the upload must not stay `processing` for whoever polls it. Should this fail as
      // well, the hourly sweep ends the upload.
      await failUpload(db, upload.id, failureReason(error, 1)).catch(() => undefined);
      throw error;
    },
  );
  // A small upload: at most UPLOAD_JOB_THRESHOLD_ROWS rejections to hand back.
  const rejected = await findRejections(db, {
    uploadId: upload.id,
    afterRow: 0,
    limit: UPLOAD_JOB_THRESHOLD_ROWS,
  });
  const errors = rejected.map((r) => ({
    row: r.row_number,
    column: r.column,
    reason: r.reason,
  }));
  return { result: { ...base, errors, upload: imported }, queued };
}

/** The job's work: imports the parked rows of a queued upload; an upload that has ended is left alone. */
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
  return importParkedRows(db, { upload: processing, actor, announceProgress: true });
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
 * The hourly sweep for uploads that would otherwise never end: those that will stay `processing` forever (see
 * findAbandonedUploads) end `failed` as a failed last run does; those left `receiving` by a request that died
 * are deleted with their parked rows, as a refused file is. Returns how many of each.
 */
export async function failAbandonedUploads(db: Db): Promise<{ failed: number; discarded: number }> {
  let failed = 0;
  for (const { id, reason } of await findAbandonedUploads(db)) {
    const upload = await failUpload(db, id, `${ABANDONED_REASONS[reason]} ${UPLOAD_AGAIN}`);
    if (upload) failed += 1;
  }
  return { failed, discarded: await deleteStaleReceivingUploads(db) };
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

const REJECTIONS_PER_PAGE = 1_000;

/**
 * The rejected rows under the file's own headers, with row and reason columns in front, as CSV text read page
 * by page: a file whose every row was rejected is never held whole. The upload is looked up first, so an
 * unknown or foreign one is a 404 before anything is sent. The cells are the merchant's own, written through
 * the shared table writer so that none of them runs as a formula when the file is opened.
 */
export async function rejectedRowsCsv(
  db: DbExecutor,
  request: ScopedRequest & { id: string },
): Promise<AsyncIterable<string>> {
  const upload = await findScopedUpload(db, request);
  const headers = (upload.headers as JsonValue[]).map(String);
  async function* pages(): AsyncGenerator<TableRow[]> {
    yield [['row', 'reason', 'column', ...headers]];
    for (let afterRow = 0; ;) {
      const page = await findRejections(db, { uploadId: upload.id, afterRow, limit: REJECTIONS_PER_PAGE });
      if (!page.length) return;
      yield page.map((r) => [
        r.row_number,
        r.reason,
        r.column ?? '',
        ...(r.cells as JsonValue[]).map(String),
      ]);
      afterRow = page.at(-1)?.row_number ?? afterRow;
      if (page.length < REJECTIONS_PER_PAGE) return;
    }
  }
  return csvStream(pages());
}
