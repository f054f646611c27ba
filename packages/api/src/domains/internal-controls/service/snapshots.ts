import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import type { Snapshots } from '../schemas';
import { dayOf } from './run-controls';

/** Snapshots are kept this many days; older ones are pruned by the daily job. */
export const SNAPSHOT_RETENTION_DAYS = 30;

/** The critical tables and the money column summed for each (null: counted and hashed only). */
export const SNAPSHOT_TABLES: ReadonlyArray<{ table: string; amount: string | null }> = [
  { table: 'orders', amount: 'total_minor' },
  { table: 'order_items', amount: 'line_total_minor' },
  { table: 'payment_sessions', amount: 'amount_minor' },
  { table: 'payments', amount: 'amount_minor' },
  { table: 'ledger_accounts', amount: 'credits_posted' },
  { table: 'ledger_transfers', amount: 'amount_minor' },
  { table: 'points_lots', amount: 'points' },
  { table: 'carrier_invoice_lines', amount: 'amount_minor' },
  { table: 'carrier_reconciliations', amount: 'billed_minor' },
  { table: 'users', amount: null },
  { table: 'user_roles', amount: null },
  { table: 'webhook_endpoints', amount: null },
  { table: 'internal_control_approvals', amount: null },
];

/**
 * Counts, sums and hashes each critical table as of now, as the day's snapshot (a re-run replaces it). The hash
 * is order-independent (a sum of each row's 64-bit hash), so it needs no sort and still changes with any column
 * of any row; it is a tamper signal to compare day to day, not a cryptographic seal.
 */
export async function takeSnapshots(db: DbExecutor, now: Date): Promise<number> {
  const day = dayOf(now);
  for (const { table, amount } of SNAPSHOT_TABLES) {
    const sum = amount ? sql`coalesce(sum(t.${sql.ref(amount)}), 0)::bigint` : sql`null::bigint`;
    await sql`
      insert into data_integrity_snapshots (snapshot_date, table_name, row_count, amount_sum, content_hash, taken_at)
      select ${day}::date, ${table}, count(*), ${sum},
             md5(coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text), ${now.toISOString()}::timestamptz
      from ${sql.table(table)} t
      on conflict (snapshot_date, table_name) do update
        set row_count = excluded.row_count, amount_sum = excluded.amount_sum,
            content_hash = excluded.content_hash, taken_at = excluded.taken_at`.execute(db);
  }
  const pruned = await db
    .deleteFrom('data_integrity_snapshots')
    .where('snapshot_date', '<=', sql<string>`(${day}::date - ${sql.lit(SNAPSHOT_RETENTION_DAYS)})`)
    .executeTakeFirst();
  return Number(pruned.numDeletedRows);
}

/** The kept snapshots, newest day first, each with its difference to the same table the day before. */
export async function listSnapshots(db: DbExecutor, options: { table?: string }): Promise<Snapshots> {
  const { rows } = await sql<{
    snapshot_date: string;
    table_name: string;
    row_count: number;
    amount_sum: number | null;
    content_hash: string;
    taken_at: Date;
    previous_date: string | null;
    previous_count: number | null;
    previous_sum: number | null;
    previous_hash: string | null;
  }>`
    select s.snapshot_date::text, s.table_name, s.row_count, s.amount_sum, s.content_hash, s.taken_at,
           p.snapshot_date::text as previous_date, p.row_count as previous_count, p.amount_sum as previous_sum,
           p.content_hash as previous_hash
    from data_integrity_snapshots s
    left join data_integrity_snapshots p
      on p.table_name = s.table_name and p.snapshot_date = s.snapshot_date - 1
    where ${options.table === undefined ? sql`true` : sql`s.table_name = ${options.table}`}
    order by s.snapshot_date desc, s.table_name`.execute(db);
  return {
    items: rows.map((row) => ({
      date: row.snapshot_date,
      table: row.table_name,
      rowCount: Number(row.row_count),
      amountSum: row.amount_sum === null ? null : Number(row.amount_sum),
      hash: row.content_hash,
      takenAt: row.taken_at.toISOString(),
      change:
        row.previous_date === null
          ? null
          : {
              rowCount: Number(row.row_count) - Number(row.previous_count),
              amountSum:
                row.amount_sum === null || row.previous_sum === null
                  ? null
                  : Number(row.amount_sum) - Number(row.previous_sum),
              hashChanged: row.content_hash !== row.previous_hash,
            },
    })),
  };
}
