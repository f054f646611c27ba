import type { Db, DbTransaction } from '@ipay/db';
import type { ExactConfig } from '../../../config';
import { domainError } from '../../../errors/domain-codes';
import { enqueueJob } from '../../../jobs/enqueue';
import { FINANCE_ERRORS } from '../errors';
import { createExactClient, ExactRateLimited, type ExactClient } from '../exact/client';
import { createExactLimits } from '../exact/limits';
import { exactAccessToken } from '../exact/tokens';
import type { PostResult } from '../schemas';
import { entriesOf, findBatchRow, setBatchStatus, type StoredEntry } from './batches';
import { claimApproval, lockBatch } from './decisions';

export const POST_TO_EXACT_SETTINGS =
  'EXACT_CLIENT_ID, EXACT_CLIENT_SECRET, EXACT_DIVISION and EXACT_REFRESH_TOKEN';

export function requireExact(config: ExactConfig | undefined): ExactConfig {
  if (!config) {
    throw domainError(
      FINANCE_ERRORS,
      'exact_not_configured',
      `Exact Online is not configured: set ${POST_TO_EXACT_SETTINGS}.`,
    );
  }
  return config;
}

/**
 * Queues the posting of an approved batch. The approval is claimed here (bound to the content hash, used
 * once); the job checks it again, so a job enqueued any other way posts nothing unapproved.
 */
export async function requestPostToExact(
  trx: DbTransaction,
  options: { batchId: string; exact: ExactConfig | undefined },
): Promise<PostResult> {
  requireExact(options.exact);
  const batch = await lockBatch(trx, options.batchId);
  if (batch.status === 'posted') return { batch_id: batch.id, status: 'posted', job_id: null };
  if (batch.status !== 'approved' && batch.status !== 'failed') {
    throw domainError(
      FINANCE_ERRORS,
      'batch_not_approved',
      `The batch is ${batch.status}: approve it first.`,
    );
  }
  await assertMapped(trx, batch.id);
  await claimApproval(trx, batch);
  const jobId = await enqueueJob(
    trx,
    'finance.post-to-exact',
    { batchId: batch.id },
    { jobKey: `finance.post-to-exact:${batch.id}`, queueName: 'finance.exact' },
  );
  return { batch_id: batch.id, status: batch.status, job_id: jobId };
}

async function assertMapped(trx: DbTransaction, batchId: string): Promise<void> {
  const unmapped = (await entriesOf(trx, batchId)).flatMap((e) =>
    e.lines.filter((line) => !line.gl_account).map((line) => line.account_key),
  );
  if (unmapped.length) {
    throw domainError(
      FINANCE_ERRORS,
      'accounts_unmapped',
      `No Exact ledger account for ${[...new Set(unmapped)].join(', ')}.`,
    );
  }
}

function fractionDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Minor units to Exact's decimal amount, exactly: 1234 EUR cents → 12.34. */
export function toDecimal(amountMinor: number, currency: string): number {
  const digits = fractionDigits(currency);
  return Number((amountMinor / 10 ** digits).toFixed(digits));
}

function exactEntry(entry: StoredEntry, day: string, journalCode: string) {
  return {
    JournalCode: journalCode,
    Currency: entry.currency,
    GeneralJournalEntryLines: entry.lines.map((line) => ({
      GLAccount: line.gl_account ?? '',
      AmountFC: toDecimal(line.amount_minor, entry.currency),
      Date: day,
      Description: line.description.slice(0, 60),
      Notes: `ipay:${entry.id}`,
    })),
  };
}

/**
 * Books one entry, at most once. The attempt is recorded before the request; an entry attempted before
 * without an EntryID (a worker that died after sending) is first looked up in Exact by its Notes.
 */
async function postEntry(db: Db, client: ExactClient, entry: StoredEntry, day: string, journalCode: string) {
  let entryId = entry.post_attempted_at ? await client.findEntryIdByNotes(`ipay:${entry.id}`) : null;
  if (!entryId) {
    await db
      .updateTable('finance_batch_entries')
      .set({ post_attempted_at: new Date() })
      .where('id', '=', entry.id)
      .execute();
    entryId = (await client.createGeneralJournalEntry(exactEntry(entry, day, journalCode))).entryId;
  }
  await db
    .updateTable('finance_batch_entries')
    .set({ exact_entry_id: entryId, posted_at: new Date() })
    .where('id', '=', entry.id)
    .execute();
}

export type PostOutcome =
  | { kind: 'posted'; booked: number }
  | { kind: 'not_approved'; status: string }
  | { kind: 'rate_limited'; retryAt: Date };

/**
 * The posting job's work: re-checks the approval against the stored content, then books each entry Exact
 * does not hold yet. A spent rate limit stops the run and says when to come back; any other failure marks
 * the batch failed and is rethrown so the job retries (resuming where it stopped).
 */
export async function postBatchToExact(
  db: Db,
  options: { batchId: string; exact: ExactConfig | undefined; encryptionKey: Buffer },
): Promise<PostOutcome> {
  const exact = requireExact(options.exact);
  const batch = await db.transaction().execute(async (trx) => {
    const row = await lockBatch(trx, options.batchId);
    if (row.status !== 'approved' && row.status !== 'failed') return row;
    await claimApproval(trx, row);
    return row;
  });
  if (batch.status === 'posted') return { kind: 'posted', booked: 0 };
  if (batch.status !== 'approved' && batch.status !== 'failed')
    return { kind: 'not_approved', status: batch.status };
  const { day } = await findBatchRow(db, batch.id);
  const client = createExactClient({
    baseUrl: exact.baseUrl,
    division: exact.division,
    accessToken: (stale) =>
      exactAccessToken({ db, config: exact, encryptionKey: options.encryptionKey }, stale),
    limits: createExactLimits(db, exact.division),
  });
  let booked = 0;
  try {
    for (const entry of await entriesOf(db, batch.id)) {
      if (entry.exact_entry_id) continue;
      await postEntry(db, client, entry, day, exact.journalCode);
      booked += 1;
    }
  } catch (error) {
    if (error instanceof ExactRateLimited) return { kind: 'rate_limited', retryAt: error.retryAt };
    await setBatchStatus(db, batch.id, 'failed', {
      failure: String(error instanceof Error ? error.message : error),
    });
    throw error;
  }
  await setBatchStatus(db, batch.id, 'posted', { failure: null, posted_at: new Date() });
  return { kind: 'posted', booked };
}

/** Queues the posting again for when Exact's limit resets (the running job's key moves to the new job). */
export async function reschedulePosting(db: Db, batchId: string, runAt: Date): Promise<void> {
  await enqueueJob(
    db,
    'finance.post-to-exact',
    { batchId },
    {
      jobKey: `finance.post-to-exact:${batchId}`,
      queueName: 'finance.exact',
      runAt,
    },
  );
}
