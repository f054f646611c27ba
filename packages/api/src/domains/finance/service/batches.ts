import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import type {
  BatchListInput,
  BatchStatus,
  FinanceBatch,
  FinanceBatchDetail,
  JournalEntry,
  JournalLine,
} from '../schemas';
import type { DraftEntry } from './entries';

function selectBatches(db: DbExecutor) {
  return db
    .selectFrom('finance_batches as b')
    .select([
      'b.id',
      sql<string>`b.day::text`.as('day'),
      'b.revision',
      'b.status',
      'b.content_hash',
      'b.built_by',
      'b.totals',
      'b.failure',
      'b.created_at',
      'b.posted_at',
    ]);
}
type BatchRow = Awaited<ReturnType<ReturnType<typeof selectBatches>['executeTakeFirstOrThrow']>>;

export interface StoredTotals {
  totals: FinanceBatch['totals'];
  unmapped_accounts: string[];
}

interface DecisionRow {
  batch_id: string;
  decision: 'approve' | 'reject';
  decided_by: string;
  content_hash: string;
  reason: string | null;
  used_at: Date | null;
  created_at: Date;
}

async function decisionsOf(db: DbExecutor, batchIds: string[]): Promise<DecisionRow[]> {
  if (!batchIds.length) return [];
  return db
    .selectFrom('finance_batch_decisions')
    .where('batch_id', 'in', batchIds)
    .select(['batch_id', 'decision', 'decided_by', 'content_hash', 'reason', 'used_at', 'created_at'])
    .orderBy('created_at')
    .execute();
}

function decisionOut(row: DecisionRow | undefined): FinanceBatch['approval'] {
  if (!row) return null;
  return {
    decided_by: row.decided_by,
    content_hash: row.content_hash,
    reason: row.reason,
    used_at: row.used_at ? toTimestamp(row.used_at) : null,
    at: toTimestamp(row.created_at),
  };
}

function batchOut(row: BatchRow, decisions: DecisionRow[]): FinanceBatch {
  const stored = row.totals as unknown as StoredTotals;
  const mine = decisions.filter((d) => d.batch_id === row.id);
  return {
    id: row.id,
    day: row.day,
    revision: row.revision,
    status: row.status,
    content_hash: row.content_hash,
    built_by: row.built_by,
    totals: stored.totals,
    unmapped_accounts: stored.unmapped_accounts,
    approval: decisionOut(mine.find((d) => d.decision === 'approve')),
    rejection: decisionOut(mine.find((d) => d.decision === 'reject')),
    failure: row.failure,
    created_at: toTimestamp(row.created_at),
    posted_at: row.posted_at ? toTimestamp(row.posted_at) : null,
  };
}

/** Batches newest day first (then newest revision), filtered by status and day range. */
export async function listBatches(db: DbExecutor, input: BatchListInput): Promise<Page<FinanceBatch>> {
  let query = selectBatches(db);
  if (input.status) query = query.where('b.status', '=', input.status);
  if (input.from) query = query.where('b.day', '>=', input.from);
  if (input.to) query = query.where('b.day', '<=', input.to);
  const page = await fetchPage(query, input, { orderBy: ['b.day', 'b.revision', 'b.id'], direction: 'desc' });
  const decisions = await decisionsOf(
    db,
    page.items.map((row) => row.id),
  );
  return { items: page.items.map((row) => batchOut(row, decisions)), nextCursor: page.nextCursor };
}

export async function findBatchRow(db: DbExecutor, id: string): Promise<BatchRow> {
  const row = await selectBatches(db).where('b.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `No finance batch ${id}.`);
  return row;
}

export interface StoredEntry extends DraftEntry {
  id: string;
  position: number;
  exact_entry_id: string | null;
  post_attempted_at: Date | null;
  posted_at: Date | null;
}

export async function entriesOf(db: DbExecutor, batchId: string): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom('finance_batch_entries')
    .where('batch_id', '=', batchId)
    .select([
      'id',
      'position',
      'entry_key',
      'description',
      'currency',
      'lines',
      'exact_entry_id',
      'post_attempted_at',
      'posted_at',
    ])
    .orderBy('position')
    .execute();
  return rows.map((row) => ({ ...row, lines: row.lines as unknown as JournalLine[] }));
}

function entryOut(entry: StoredEntry): JournalEntry {
  return {
    id: entry.id,
    entry_key: entry.entry_key,
    description: entry.description,
    currency: entry.currency,
    lines: entry.lines,
    exact_entry_id: entry.exact_entry_id,
    posted_at: entry.posted_at ? toTimestamp(entry.posted_at) : null,
  };
}

export async function getBatch(db: DbExecutor, id: string): Promise<FinanceBatchDetail> {
  const row = await findBatchRow(db, id);
  const [decisions, entries] = await Promise.all([decisionsOf(db, [id]), entriesOf(db, id)]);
  return { ...batchOut(row, decisions), entries: entries.map(entryOut) };
}

export async function getBatchSummary(db: DbExecutor, id: string): Promise<FinanceBatch> {
  const row = await findBatchRow(db, id);
  return batchOut(row, await decisionsOf(db, [id]));
}

export async function setBatchStatus(
  db: DbExecutor,
  id: string,
  status: BatchStatus,
  extra: { failure?: string | null; posted_at?: Date } = {},
): Promise<void> {
  await db
    .updateTable('finance_batches')
    .set({ status, updated_at: new Date(), ...extra })
    .where('id', '=', id)
    .execute();
}
