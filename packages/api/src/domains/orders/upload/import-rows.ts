import type { Db, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { Actor } from '../../auth/service';
import { createOrder } from '../service';
import type { MappedColumn } from './column-mapping';
import type { SheetRow } from './read-rows';
import {
  insertRejections,
  updateUploadState,
  uploadRowToUpload,
  type Rejection,
  type UploadCounts,
  type UploadRow,
} from './repository';
import { announceUpload } from './upload-events';
import { groupRows, rowErrorsOfAppError, validateGroup, type RowError, type RowGroup } from './row-groups';

/** Orders per transaction: short enough not to hold the live event stream back for long. */
const ORDERS_PER_TRANSACTION = 100;

interface ImportRequest {
  upload: UploadRow;
  actor: Actor;
  rows: SheetRow[];
  /** Announce order_upload.progress after each batch (uploads run by the job). */
  announceProgress: boolean;
}

/** One order through the one creation path; its failures become row errors, nothing else is caught. */
async function importGroup(
  trx: DbTransaction,
  actor: Actor,
  mapping: MappedColumn[],
  group: RowGroup,
): Promise<{ created: boolean } | { errors: RowError[] }> {
  const validated = validateGroup(group, mapping);
  if (!validated.ok) return { errors: validated.errors };
  try {
    const { created } = await createOrder(trx, { actor, scope: 'organization', input: validated.input });
    return { created };
  } catch (error) {
    // createOrder throws its AppErrors before any failing SQL, so the transaction stays usable.
    if (error instanceof AppError && error.status < 500) {
      return { errors: rowErrorsOfAppError(group, mapping, error) };
    }
    throw error;
  }
}

/** Every row of a rejected order is rejected: the order is created whole or not at all. */
function rejectionsOf(group: RowGroup, errors: RowError[]): Rejection[] {
  return group.rows.map((row) => {
    const own = errors.filter((e) => e.row === row.row);
    const first = own[0] ?? errors[0];
    return {
      row: row.row,
      column: own[0]?.column ?? null,
      reason: own.length
        ? own.map((e) => e.reason).join('; ')
        : `order ${group.reference} is invalid (row ${first?.row ?? row.row})`,
      cells: row.cells,
    };
  });
}

async function complete(db: Db, request: ImportRequest, counts: UploadCounts, rejections: Rejection[]) {
  return db.transaction().execute(async (trx) => {
    await insertRejections(trx, request.upload.id, rejections);
    await trx.deleteFrom('order_upload_rows').where('upload_id', '=', request.upload.id).execute();
    const done = await updateUploadState(trx, request.upload.id, { status: 'completed', counts });
    await announceUpload(trx, 'order_upload.completed', done, counts);
    return { upload: uploadRowToUpload(done), errors: rejections };
  });
}

class StrictRollback extends Error {}

/** Strict: every order in one transaction, rolled back whole when any row is invalid. */
async function importStrict(db: Db, request: ImportRequest, groups: RowGroup[], rejections: Rejection[]) {
  const mapping = request.upload.mapping as unknown as MappedColumn[];
  const counts: UploadCounts = { rowsProcessed: request.rows.length, created: 0, existing: 0, rejected: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      for (const group of groups) {
        const outcome = await importGroup(trx, request.actor, mapping, group);
        if ('errors' in outcome) rejections.push(...rejectionsOf(group, outcome.errors));
        else if (outcome.created) counts.created += 1;
        else counts.existing += 1;
      }
      if (rejections.length) throw new StrictRollback();
    });
  } catch (error) {
    if (!(error instanceof StrictRollback)) throw error;
    counts.created = 0;
    counts.existing = 0;
  }
  counts.rejected = rejections.length;
  return complete(db, request, counts, rejections);
}

/**
 * Creates the upload's valid orders and records each rejected row. Safe to run again (a retried job):
 * merchant references make repeated orders come back as existing instead of duplicated.
 */
export async function importRows(db: Db, request: ImportRequest) {
  const mapping = request.upload.mapping as unknown as MappedColumn[];
  const { groups, unreferenced } = groupRows(request.rows, mapping);
  const rowByNumber = new Map(request.rows.map((r) => [r.row, r.cells]));
  const rejections: Rejection[] = unreferenced.map((e) => ({ ...e, cells: rowByNumber.get(e.row) ?? [] }));
  if (request.upload.strict) return importStrict(db, request, groups, rejections);

  const counts: UploadCounts = { rowsProcessed: unreferenced.length, created: 0, existing: 0, rejected: 0 };
  for (let start = 0; start < groups.length; start += ORDERS_PER_TRANSACTION) {
    const batch = groups.slice(start, start + ORDERS_PER_TRANSACTION);
    await db.transaction().execute(async (trx) => {
      for (const group of batch) {
        const outcome = await importGroup(trx, request.actor, mapping, group);
        counts.rowsProcessed += group.rows.length;
        if ('errors' in outcome) rejections.push(...rejectionsOf(group, outcome.errors));
        else if (outcome.created) counts.created += 1;
        else counts.existing += 1;
      }
      counts.rejected = rejections.length;
      const state = await updateUploadState(trx, request.upload.id, { status: 'processing', counts });
      if (request.announceProgress) await announceUpload(trx, 'order_upload.progress', state, counts);
    });
  }
  counts.rejected = rejections.length;
  return complete(db, request, counts, rejections);
}
