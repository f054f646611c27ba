import type { DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { FINANCE_ERRORS } from '../errors';
import type { FinanceBatch } from '../schemas';
import { entriesOf, getBatchSummary } from './batches';
import { contentHash } from './entries';

interface LockedBatch {
  id: string;
  status: string;
  content_hash: string;
  built_by: string | null;
}

async function lockBatch(trx: DbTransaction, id: string): Promise<LockedBatch> {
  const row = await trx
    .selectFrom('finance_batches')
    .where('id', '=', id)
    .select(['id', 'status', 'content_hash', 'built_by'])
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `No finance batch ${id}.`);
  return row;
}

/** The stored entries still hash to what the batch says: an approval binds to what was really built. */
export async function assertUntampered(trx: DbTransaction, batch: { id: string; content_hash: string }) {
  const hash = contentHash(await entriesOf(trx, batch.id));
  if (hash !== batch.content_hash) {
    throw domainError(FINANCE_ERRORS, 'batch_tampered', `Batch ${batch.id}'s entries do not match its hash.`);
  }
}

/**
 * Maker-checker, enforced here so that REST, tRPC callers and jobs all pass through it: the approver is not
 * who built or rebuilt the batch, the batch is pending and untampered, and the approval records the content
 * hash it saw. A changed day is a new revision (a new batch), so it can only be posted with a new approval.
 */
export async function approveBatch(
  trx: DbTransaction,
  options: { batchId: string; actorId: string },
): Promise<FinanceBatch> {
  const batch = await lockBatch(trx, options.batchId);
  if (batch.status !== 'pending') {
    throw domainError(FINANCE_ERRORS, 'batch_not_pending', `The batch is ${batch.status}, not pending.`);
  }
  if (batch.built_by === options.actorId) {
    throw domainError(
      FINANCE_ERRORS,
      'maker_cannot_approve',
      'You built or last rebuilt this batch: another finance approver must approve it.',
    );
  }
  await assertUntampered(trx, batch);
  await trx
    .insertInto('finance_batch_decisions')
    .values({
      batch_id: batch.id,
      decision: 'approve',
      content_hash: batch.content_hash,
      decided_by: options.actorId,
    })
    .execute();
  await trx
    .updateTable('finance_batches')
    .set({ status: 'approved', updated_at: new Date() })
    .where('id', '=', batch.id)
    .execute();
  return getBatchSummary(trx, batch.id);
}

/** A rejection needs a reason and ends the revision: the day is rebuilt (a new revision) once fixed. */
export async function rejectBatch(
  trx: DbTransaction,
  options: { batchId: string; actorId: string; reason: string },
): Promise<FinanceBatch> {
  const batch = await lockBatch(trx, options.batchId);
  if (batch.status !== 'pending') {
    throw domainError(FINANCE_ERRORS, 'batch_not_pending', `The batch is ${batch.status}, not pending.`);
  }
  await trx
    .insertInto('finance_batch_decisions')
    .values({
      batch_id: batch.id,
      decision: 'reject',
      content_hash: batch.content_hash,
      decided_by: options.actorId,
      reason: options.reason,
    })
    .execute();
  await trx
    .updateTable('finance_batches')
    .set({ status: 'rejected', updated_at: new Date() })
    .where('id', '=', batch.id)
    .execute();
  return getBatchSummary(trx, batch.id);
}

/**
 * The approval a posting may use: for this batch and its current content hash, by someone other than its
 * builder. Marked used by the first posting request, so the approval authorises one posting of these lines
 * (a failed posting resumes under it, booking only what Exact does not hold yet).
 */
export async function claimApproval(
  trx: DbTransaction,
  batch: { id: string; content_hash: string; built_by: string | null },
): Promise<void> {
  const approval = await trx
    .selectFrom('finance_batch_decisions')
    .where('batch_id', '=', batch.id)
    .where('decision', '=', 'approve')
    .select(['id', 'content_hash', 'decided_by', 'used_at'])
    .executeTakeFirst();
  if (!approval || approval.content_hash !== batch.content_hash || approval.decided_by === batch.built_by) {
    throw domainError(
      FINANCE_ERRORS,
      'batch_not_approved',
      'The batch has no approval for its current content.',
    );
  }
  await assertUntampered(trx, batch);
  if (!approval.used_at) {
    await trx
      .updateTable('finance_batch_decisions')
      .set({ used_at: new Date() })
      .where('id', '=', approval.id)
      .execute();
  }
}

export { lockBatch };
