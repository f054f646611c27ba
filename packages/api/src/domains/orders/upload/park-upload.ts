import type { Db, DbPool } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { Actor } from '../../auth/service';
import { mapColumns } from './column-mapping';
import type { SheetRow, UploadFormat } from './read-rows';
import {
  copyParkedRows,
  deleteUpload,
  insertReceivingUpload,
  parkedRowLine,
  setReceived,
} from './repository';

/**
 * Rows per COPY while the file streams in. Small enough that the lines waiting for their COPY are mostly collected
 * young: at 100,000 rows, 2,000 took the request to a peak RSS of 318 MiB against 276 MiB with 500, for about a
 * second less (one run each, on a machine whose noise is of that order).
 */
const PARK_BATCH_ROWS = 500;
/** Rows kept for a dry run's preview. */
const PREVIEW_ROWS = 10;

/** A file read to the end and parked in order_upload_rows under a `receiving` upload. */
export interface ParkedFile {
  uploadId: string;
  fileName: string;
  format: UploadFormat;
  sizeBytes: number;
  headers: string[];
  rowsTotal: number;
  /** The first data rows as read. */
  preview: SheetRow[];
  /** The column each parked row's reference was read from (-1: none), by the automatic mapping. */
  referenceColumn: number;
}

export function assertMerchantUpload(actor: Actor): void {
  if (actor.organizationType !== 'merchant') {
    throw new AppError('forbidden', 'Orders are uploaded by merchant users, for their own organization.');
  }
}

export function tooManyRows(maxRows: number): AppError {
  return new AppError('unprocessable', `The file has more than ${maxRows} rows, the upload limit.`, {
    errors: [{ field: 'file', message: `has more than ${maxRows} rows`, code: 'too_many_rows' }],
  });
}

/** Deletes an upload that will not be imported, with its parked rows. */
export async function discardUpload(db: Db, uploadId: string): Promise<void> {
  // Should this fail too, the hourly sweep deletes the upload once it has stayed `receiving` for an hour.
  await deleteUpload(db, uploadId).catch(() => undefined);
}

/** The merchant reference of a row as valuesOf reads it: the last non-empty cell mapped to it. */
function referenceOf(row: SheetRow, columns: number[]): string | null {
  let reference: string | null = null;
  for (const column of columns) reference = row.cells[column]?.trim() || reference;
  return reference;
}

/**
 * Reads the sheet as it streams in and parks its data rows a batch at a time, holding only the batch being read,
 * the batch being loaded and the preview: the database loads one batch while the next is parsed. The upload is recorded when the header row arrives; a file that fails on the way (too many rows,
 * unreadable, too big, the client gone) deletes it again, parked rows included, and the error goes on.
 *
 * The mapping overrides may arrive after the file (form fields follow the file part), so references are read
 * with the automatic mapping here and re-read by the caller when the final mapping takes another column.
 */
export async function parkUpload(
  db: Db,
  request: {
    pool: DbPool;
    actor: Actor;
    fileName: string;
    format: UploadFormat;
    rows: AsyncIterable<SheetRow>;
    maxRows: number;
    bytesRead: () => number;
  },
): Promise<ParkedFile> {
  const { actor, fileName, format, maxRows } = request;
  assertMerchantUpload(actor);
  let uploadId: string | undefined;
  let loading: Promise<void> = Promise.resolve();
  const load = async (id: string, lines: string[]) => {
    await loading;
    loading = copyParkedRows({ db, pool: request.pool }, id, lines);
    // Awaited by the next load or at the end; until then a failure must not count as unhandled.
    loading.catch(() => undefined);
  };
  try {
    let headers: string[] | undefined;
    let referenceColumn = -1;
    let referenceColumns: number[] = [];
    let rowsTotal = 0;
    const preview: SheetRow[] = [];
    let batch: string[] = [];
    for await (const row of request.rows) {
      if (!headers) {
        headers = row.cells;
        const mapping = mapColumns(headers);
        referenceColumn = mapping.findIndex((m) => m.field === 'merchant_reference');
        referenceColumns = mapping.flatMap((m, index) => (m.field === 'merchant_reference' ? [index] : []));
        const upload = await insertReceivingUpload(db, {
          merchantId: actor.organizationId,
          createdBy: actor.userId,
          fileName,
          format,
          headers,
          mapping,
        });
        uploadId = upload.id;
        continue;
      }
      if (rowsTotal >= maxRows) throw tooManyRows(maxRows);
      rowsTotal += 1;
      if (preview.length < PREVIEW_ROWS) preview.push(row);
      if (!uploadId) continue;
      batch.push(parkedRowLine(uploadId, { ...row, reference: referenceOf(row, referenceColumns) }));
      if (batch.length >= PARK_BATCH_ROWS) {
        await load(uploadId, batch);
        batch = [];
      }
    }
    if (!headers || !uploadId) {
      throw AppError.validation('file', 'is empty: the first row must name the columns', 'empty_file');
    }
    await load(uploadId, batch);
    await loading;
    const sizeBytes = request.bytesRead();
    await setReceived(db, uploadId, { rowsTotal, sizeBytes });
    return { uploadId, fileName, format, sizeBytes, headers, rowsTotal, preview, referenceColumn };
  } catch (error) {
    // A batch still loading would otherwise land after the upload is deleted.
    await loading.catch(() => undefined);
    if (uploadId) await discardUpload(db, uploadId);
    throw error;
  }
}
