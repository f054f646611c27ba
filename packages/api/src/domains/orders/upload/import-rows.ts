import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import type { Actor } from '../../auth/service';
import type { CreateOrderInput } from '../schemas';
import { createOrders } from '../service';
import type { MappedColumn } from './column-mapping';
import { unreferencedRowPages } from './parked-rows';
import {
  addUploadCounts,
  countParkedOrders,
  findRowsOfReferences,
  insertRejections,
  updateUploadState,
  uploadRowToUpload,
  type Rejection,
  type UploadCounts,
  type UploadRow,
} from './repository';
import { announcePlainOrders, importPlainOrders, referenceBounds, type ReferenceRange } from './set-import';
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
 * The import runs in about this many transactions (ranges of merchant references), each announcing its
 * progress: a merchant following a large upload sees it move in twentieths.
 */
const PROGRESS_STEPS = 20;
/**
 * At least this many orders per transaction: a 10,000-row file still reports its progress more than ten times, a
 * run that fails keeps what its earlier ranges committed, and each commit holds the live stream back briefly.
 */
const MIN_ORDERS_PER_TRANSACTION = 300;
/** Orders per createOrders call for the orders the set-based import leaves to the validator. */
const LEFT_OVER_BATCH = 300;
/**
 * Ranges imported side by side, each in its own transaction on its own connection. A range's work is
 * PostgreSQL's, one backend per statement: a second range keeps a second core busy (about a third off the job on
 * this 2-core machine). Ranges hold disjoint references, so they never wait on each other's rows but the
 * upload's own, locked only from its counts' update to the commit.
 */
const RANGES_AT_ONCE = 2;

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

/** The ranges of references the import takes one transaction each for (see PROGRESS_STEPS). */
async function referenceRanges(db: DbExecutor, uploadId: string): Promise<ReferenceRange[]> {
  const orders = await countParkedOrders(db, uploadId);
  const size = Math.max(MIN_ORDERS_PER_TRANSACTION, Math.ceil(orders / PROGRESS_STEPS));
  const bounds = await referenceBounds(db, uploadId, size);
  return [...bounds.map((upTo, index) => ({ after: bounds[index - 1], upTo })), { after: bounds.at(-1) }];
}

/** The parked rows of the given references as their orders, in reference order. */
async function groupsOf(db: DbExecutor, uploadId: string, references: string[]): Promise<RowGroup[]> {
  const groups = new Map<string, RowGroup>();
  for (const { reference, row, cells } of await findRowsOfReferences(db, uploadId, references)) {
    if (reference === null) continue;
    const group = groups.get(reference) ?? { reference, rows: [] };
    group.rows.push({ row, cells });
    groups.set(reference, group);
  }
  return [...groups.values()];
}

/**
 * One range of references: its plain orders created set-based (importPlainOrders), announced right away when
 * `announcePlain` (else by the caller, announcePlainOrders), the rest through the validator and createOrders a
 * batch at a time, in `trx`; rejected rows are written with `rejections` (the transaction itself, or outside it
 * when it may roll back).
 */
async function importRange(
  trx: DbTransaction,
  rejections: DbExecutor,
  request: ImportRequest & { range: ReferenceRange; announcePlain: boolean },
  counts: UploadCounts,
): Promise<void> {
  const { upload, actor, range } = request;
  const mapping = upload.mapping as unknown as MappedColumn[];
  const plain = await importPlainOrders(trx, { uploadId: upload.id, actor, mapping, range });
  if (request.announcePlain) await announcePlainOrders(trx, actor, 'commit');
  counts.rowsProcessed += plain.rows;
  counts.created += plain.created;
  counts.existing += plain.existing;
  for (let start = 0; start < plain.leftOver.length; start += LEFT_OVER_BATCH) {
    const references = plain.leftOver.slice(start, start + LEFT_OVER_BATCH);
    const validated = validateBatch(await groupsOf(trx, upload.id, references), mapping);
    const batch = await importBatch(trx, actor, mapping, validated);
    await insertRejections(rejections, upload.id, batch.rejections);
    counts.created += batch.created;
    counts.existing += batch.existing;
    counts.rejected += batch.rejections.length;
  }
}

class StrictRollback extends Error {}

/**
 * Strict: every order in one transaction, rolled back whole when any row is invalid. The rejected rows are
 * written outside that transaction, since they must outlive its rollback (a run that fails midway is started
 * over, and starts by clearing them).
 */
async function importStrict(db: Db, request: ImportRequest, counts: UploadCounts) {
  const imported: UploadCounts = { rowsProcessed: 0, created: 0, existing: 0, rejected: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      for (const range of await referenceRanges(trx, request.upload.id)) {
        // One transaction over every range: holding the stream lock from the first range on would stall every
        // other writer's commit, so the events are numbered at the commit.
        await importRange(trx, db, { ...request, range, announcePlain: true }, imported);
      }
      if (counts.rejected + imported.rejected) throw new StrictRollback();
    });
    counts.created = imported.created;
    counts.existing = imported.existing;
  } catch (error) {
    if (!(error instanceof StrictRollback)) throw error;
  }
  counts.rowsProcessed += imported.rowsProcessed;
  counts.rejected += imported.rejected;
  return complete(db, request, counts);
}

/**
 * `work` for every item, at most `lanes` at a time, in order of start. After a failure no further item starts;
 * the ones running are awaited before the first failure is thrown, so nothing is still writing when the caller
 * handles it.
 */
async function eachConcurrently<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>) {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: lanes }, lane));
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}

function addCounts(to: UploadCounts, added: UploadCounts): void {
  to.rowsProcessed += added.rowsProcessed;
  to.created += added.created;
  to.existing += added.existing;
  to.rejected += added.rejected;
}

/**
 * Creates the upload's valid orders from its parked rows and records each rejected row, a range of references
 * per transaction, RANGES_AT_ONCE of them side by side. Safe to run again (a retried job), after clearing the
 * rejections: merchant references make repeated orders come back as existing instead of duplicated.
 */
export async function importParkedRows(db: Db, request: ImportRequest) {
  const counts: UploadCounts = { rowsProcessed: 0, created: 0, existing: 0, rejected: 0 };
  await rejectUnreferenced(db, request.upload, counts);
  if (request.upload.strict) return importStrict(db, request, counts);
  // The counts start from the unreferenced rows (not from an earlier run's); each range then adds its own.
  await updateUploadState(db, request.upload.id, { status: 'processing', counts });
  await eachConcurrently(await referenceRanges(db, request.upload.id), RANGES_AT_ONCE, async (range) => {
    const imported: UploadCounts = { rowsProcessed: 0, created: 0, existing: 0, rejected: 0 };
    await db.transaction().execute(async (trx) => {
      await importRange(trx, trx, { ...request, range, announcePlain: false }, imported);
      const state = await addUploadCounts(trx, request.upload.id, imported);
      if (request.announceProgress) await announceUpload(trx, 'order_upload.progress', state);
      // Numbered as they are inserted, sparing the commit a rewrite of every event row. Last, so the stream lock
      // is the transaction's last lock, as the commit trigger's is (no writer holding a row this transaction
      // still needs can be waiting for it), and held only until the commit. Their positions still come before
      // the left-over orders' and the progress event's, numbered at the commit, as before.
      await announcePlainOrders(trx, request.actor, 'now');
    });
    addCounts(counts, imported);
  });
  return complete(db, request, counts);
}
