import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import type { Actor } from '../../auth/service';
import type { CreateOrderInput } from '../schemas';
import { createOrders } from '../service';
import type { MappedColumn } from './column-mapping';
import { inBatches, parkedGroups, unreferencedRowPages } from './parked-rows';
import {
  insertRejections,
  updateUploadState,
  uploadRowToUpload,
  type Rejection,
  type UploadCounts,
  type UploadRow,
} from './repository';
import { announceUpload } from './upload-events';
import {
  rejectedRows,
  rowErrorsOfAppError,
  unreferencedRowError,
  validateGroup,
  type RowError,
  type RowGroup,
} from './row-groups';

/**
 * Orders per transaction, each transaction one createOrders batch: a handful of statements for all of them. Not
 * more: a merchant following the upload sees it move at least every 300 orders (a 10,000-row file reports its
 * progress more than ten times), a run that fails keeps what its earlier batches committed, and each commit
 * holds the live event stream back only briefly.
 */
const ORDERS_PER_TRANSACTION = 300;

interface ImportRequest {
  upload: UploadRow;
  actor: Actor;
  /** Announce order_upload.progress after each batch (uploads run by the job). */
  announceProgress: boolean;
}

/** Every row of a rejected order is rejected, with the row errors the dry run reports for it. */
function rejectionsOf(group: RowGroup, errors: RowError[]): Rejection[] {
  return rejectedRows(group, errors).map((error, index) => ({
    ...error,
    cells: group.rows[index]?.cells ?? [],
  }));
}

interface BatchOutcome {
  rows: number;
  created: number;
  existing: number;
  rejections: Rejection[];
}

/** A batch of orders read and validated, ready for createOrders: its valid orders and its invalid rows. */
interface ValidatedBatch {
  rows: number;
  valid: Array<{ group: RowGroup; input: CreateOrderInput }>;
  rejections: Rejection[];
}

function validateBatch(groups: RowGroup[], mapping: MappedColumn[]): ValidatedBatch {
  const batch: ValidatedBatch = { rows: 0, valid: [], rejections: [] };
  for (const group of groups) {
    batch.rows += group.rows.length;
    const validated = validateGroup(group, mapping);
    if (validated.ok) batch.valid.push({ group, input: validated.input });
    else batch.rejections.push(...rejectionsOf(group, validated.errors));
  }
  return batch;
}

/** The upload's orders, a validated batch at a time. */
async function* validatedBatches(
  db: DbExecutor,
  uploadId: string,
  mapping: MappedColumn[],
): AsyncGenerator<ValidatedBatch> {
  for await (const groups of inBatches(parkedGroups(db, uploadId), ORDERS_PER_TRANSACTION)) {
    yield validateBatch(groups, mapping);
  }
}

/**
 * A validated batch through the orders domain's one creation path; refusals become rejected rows, anything else
 * is thrown.
 */
async function importBatch(
  trx: DbTransaction,
  actor: Actor,
  mapping: MappedColumn[],
  batch: ValidatedBatch,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = {
    rows: batch.rows,
    created: 0,
    existing: 0,
    rejections: [...batch.rejections],
  };
  const created = await createOrders(trx, {
    actor,
    scope: 'organization',
    inputs: batch.valid.map((v) => v.input),
  });
  created.forEach((result, index) => {
    const group = batch.valid[index]?.group;
    if (!group) return;
    if (!result.ok) {
      outcome.rejections.push(...rejectionsOf(group, rowErrorsOfAppError(group, mapping, result.error)));
    } else if (result.created) outcome.created += 1;
    else outcome.existing += 1;
  });
  return outcome;
}

/** Rows without a merchant reference belong to no order: each is rejected on its own. */
async function rejectUnreferenced(db: DbExecutor, upload: UploadRow, counts: UploadCounts): Promise<void> {
  const mapping = upload.mapping as unknown as MappedColumn[];
  for await (const page of unreferencedRowPages(db, upload.id)) {
    await insertRejections(
      db,
      upload.id,
      page.map(({ row, cells }) => ({ ...unreferencedRowError(row, mapping), cells })),
    );
    counts.rowsProcessed += page.length;
    counts.rejected += page.length;
  }
}

async function complete(db: Db, request: ImportRequest, counts: UploadCounts) {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('order_upload_rows').where('upload_id', '=', request.upload.id).execute();
    const done = await updateUploadState(trx, request.upload.id, { status: 'completed', counts });
    await announceUpload(trx, 'order_upload.completed', done, counts);
    return uploadRowToUpload(done);
  });
}

class StrictRollback extends Error {}

/**
 * Strict: every order in one transaction, rolled back whole when any row is invalid. Orders are created a batch
 * at a time and not kept; the rejected rows are written outside that transaction, since they must outlive its
 * rollback (a run that fails midway is started over, and starts by clearing them).
 */
async function importStrict(db: Db, request: ImportRequest, counts: UploadCounts) {
  const mapping = request.upload.mapping as unknown as MappedColumn[];
  const imported = { created: 0, existing: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      for await (const validated of validatedBatches(db, request.upload.id, mapping)) {
        const batch = await importBatch(trx, request.actor, mapping, validated);
        await insertRejections(db, request.upload.id, batch.rejections);
        counts.rowsProcessed += batch.rows;
        counts.rejected += batch.rejections.length;
        imported.created += batch.created;
        imported.existing += batch.existing;
      }
      if (counts.rejected) throw new StrictRollback();
    });
    counts.created = imported.created;
    counts.existing = imported.existing;
  } catch (error) {
    if (!(error instanceof StrictRollback)) throw error;
  }
  return complete(db, request, counts);
}

/**
 * Creates the upload's valid orders from its parked rows and records each rejected row, a batch of orders per
 * transaction. Safe to run again (a retried job), after clearing the rejections: merchant references make
 * repeated orders come back as existing instead of duplicated.
 */
export async function importParkedRows(db: Db, request: ImportRequest) {
  const counts: UploadCounts = { rowsProcessed: 0, created: 0, existing: 0, rejected: 0 };
  await rejectUnreferenced(db, request.upload, counts);
  if (request.upload.strict) return importStrict(db, request, counts);

  const mapping = request.upload.mapping as unknown as MappedColumn[];
  for await (const validated of validatedBatches(db, request.upload.id, mapping)) {
    await db.transaction().execute(async (trx) => {
      const batch = await importBatch(trx, request.actor, mapping, validated);
      await insertRejections(trx, request.upload.id, batch.rejections);
      counts.rowsProcessed += batch.rows;
      counts.created += batch.created;
      counts.existing += batch.existing;
      counts.rejected += batch.rejections.length;
      const state = await updateUploadState(trx, request.upload.id, { status: 'processing', counts });
      if (request.announceProgress) await announceUpload(trx, 'order_upload.progress', state, counts);
    });
  }
  return complete(db, request, counts);
}
