import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { FINANCE_ERRORS } from '../errors';
import type { BuildResult } from '../schemas';
import { accountMap } from './accounts';
import { getBatchSummary, type StoredTotals } from './batches';
import { readDaySources, type FeeSource } from './day-sources';
import {
  composeEntries,
  contentHash,
  mapAccounts,
  subtractBooked,
  unbalancedEntries,
  type DraftEntry,
} from './entries';
import { ipayFeesOfDay } from './fees';

export interface BuildOptions {
  day: string;
  /** The user who asked for the build (REST, CLI, a job they enqueued); null for the daily job on its own. */
  triggeredBy: string | null;
  /** The fee per order of merchants without a contract fee (`IPAY_DEFAULT_FEE_PER_ORDER_MINOR`). */
  platformDefaultFeeMinor: number;
  fees?: FeeSource;
}

function totalsOf(entries: DraftEntry[]): StoredTotals {
  const byCurrency = new Map<string, { debit_minor: number; credit_minor: number; entry_count: number }>();
  for (const e of entries) {
    const total = byCurrency.get(e.currency) ?? { debit_minor: 0, credit_minor: 0, entry_count: 0 };
    total.entry_count += 1;
    for (const line of e.lines) {
      if (line.amount_minor > 0) total.debit_minor += line.amount_minor;
      else total.credit_minor -= line.amount_minor;
    }
    byCurrency.set(e.currency, total);
  }
  const unmapped = new Set(
    entries.flatMap((e) => e.lines.filter((l) => !l.gl_account).map((l) => l.account_key)),
  );
  return {
    totals: [...byCurrency]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, t]) => ({ currency, ...t })),
    unmapped_accounts: [...unmapped].sort(),
  };
}

/** What Exact already holds for the day: every entry of any revision that Exact gave an EntryID. */
async function bookedEntries(
  trx: DbTransaction,
  day: string,
  exceptBatchId: string | null,
): Promise<DraftEntry[]> {
  let query = trx
    .selectFrom('finance_batch_entries as e')
    .innerJoin('finance_batches as b', 'b.id', 'e.batch_id')
    .where('b.day', '=', day)
    .where('e.exact_entry_id', 'is not', null)
    .select(['e.entry_key', 'e.description', 'e.currency', 'e.lines']);
  if (exceptBatchId) query = query.where('b.id', '!=', exceptBatchId);
  const rows = await query.execute();
  const merged = new Map<string, DraftEntry>();
  for (const row of rows) {
    const lines = row.lines as unknown as DraftEntry['lines'];
    const seen = merged.get(row.entry_key);
    if (seen) seen.lines.push(...lines);
    else
      merged.set(row.entry_key, {
        entry_key: row.entry_key,
        description: row.description,
        currency: row.currency,
        lines: [...lines],
      });
  }
  return [...merged.values()];
}

/**
 * Builds (or rebuilds) one Amsterdam day's batch. Idempotent: the same lines as the day's current revision
 * change nothing. Different lines make the next revision, which supersedes an unposted one (its approval
 * with it); once entries are booked in Exact, the next revision holds only the corrections.
 */
export async function buildDailyBatch(trx: DbTransaction, options: BuildOptions): Promise<BuildResult> {
  const { day } = options;
  await sql`select pg_advisory_xact_lock(hashtext(${`finance.batch:${day}`}))`.execute(trx);
  const latest = await trx
    .selectFrom('finance_batches as b')
    .where('b.day', '=', day)
    .select(['b.id', 'b.revision', 'b.status', 'b.content_hash'])
    .orderBy('b.revision', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (latest?.status === 'approved') {
    const used = await trx
      .selectFrom('finance_batch_decisions')
      .where('batch_id', '=', latest.id)
      .where('decision', '=', 'approve')
      .where('used_at', 'is not', null)
      .select('id')
      .executeTakeFirst();
    if (used)
      throw domainError(FINANCE_ERRORS, 'batch_posting', `The batch of ${day} is being posted to Exact.`);
  }
  const sources = await readDaySources(
    trx,
    day,
    options.fees ?? ipayFeesOfDay(options.platformDefaultFeeMinor),
  );
  const composed = composeEntries(day, sources);
  const mapping = await accountMap(trx);
  const toBook = async (exceptBatchId: string | null) => {
    const entries = mapAccounts(
      subtractBooked(composed, await bookedEntries(trx, day, exceptBatchId)),
      mapping,
    );
    const unbalanced = unbalancedEntries(entries);
    if (unbalanced.length) {
      throw domainError(FINANCE_ERRORS, 'batch_unbalanced', `Unbalanced entries: ${unbalanced.join(', ')}.`);
    }
    return entries;
  };
  const current = latest && latest.status !== 'superseded' ? latest : undefined;
  // The current revision is compared with what it would hold if built now: all but its own bookings taken off.
  if (current && current.status !== 'rejected') {
    const again = await toBook(current.status === 'posted' ? null : current.id);
    const unchanged =
      current.status === 'posted' ? !again.length : contentHash(again) === current.content_hash;
    if (unchanged) return { changed: false, batch: await getBatchSummary(trx, current.id) };
  }
  const entries = await toBook(null);
  const hash = contentHash(entries);
  if (!entries.length && !current) return { changed: false, batch: null };
  if (current && current.status !== 'posted') {
    await trx
      .updateTable('finance_batches')
      .set({ status: 'superseded', updated_at: new Date() })
      .where('id', '=', current.id)
      .execute();
  }
  const batch = await trx
    .insertInto('finance_batches')
    .values({
      day,
      revision: (latest?.revision ?? 0) + 1,
      content_hash: hash,
      built_by: options.triggeredBy,
      totals: JSON.stringify(totalsOf(entries)),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (entries.length) {
    await trx
      .insertInto('finance_batch_entries')
      .values(
        entries.map((e, position) => ({
          batch_id: batch.id,
          position,
          entry_key: e.entry_key,
          description: e.description,
          currency: e.currency,
          lines: JSON.stringify(e.lines),
        })),
      )
      .execute();
  }
  return { changed: true, batch: await getBatchSummary(trx, batch.id) };
}

/** The Amsterdam day before `now`: what the nightly job books. */
export async function previousAmsterdamDay(trx: DbTransaction): Promise<string> {
  const { rows } = await sql<{ day: string }>`
    select ((now() at time zone 'Europe/Amsterdam')::date - 1)::text as day`.execute(trx);
  const day = rows[0]?.day;
  if (!day) throw new Error('no day from the database clock');
  return day;
}
