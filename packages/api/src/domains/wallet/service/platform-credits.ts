import { sql, type Expression, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';

type Instant = Date | RawBuilder<Date>;

/**
 * Money put into wallets from IPAY's platform accounts in `[from, to)`: posted `credit` transfers summed per
 * source account (`platform_code`) and currency. Transfers between wallets move nothing on IPAY's books.
 * `except` is a query of transfer ids (column `transfer_id`, never null) another domain books itself.
 */
export function platformCreditsBySource(
  db: DbExecutor,
  request: { from: Instant; to: Instant; except?: Expression<unknown> },
): Promise<Array<{ source: string; currency: string; amount_minor: number; count: number }>> {
  let query = db
    .selectFrom('ledger_transfers as t')
    .innerJoin('ledger_accounts as a', 'a.id', 't.debit_account_id')
    .where('t.kind', '=', 'credit')
    .where('t.state', '=', 'posted')
    .where('t.created_at', '>=', request.from)
    .where('t.created_at', '<', request.to);
  if (request.except) query = query.where(sql<boolean>`t.id not in (${request.except})`);
  return query
    .groupBy([sql`coalesce(a.platform_code, 'wallet')`, 't.currency'])
    .select([
      sql<string>`coalesce(a.platform_code, 'wallet')`.as('source'),
      't.currency',
      sql<number>`sum(t.amount_minor)::int8`.as('amount_minor'),
      sql<number>`count(*)::int`.as('count'),
    ])
    .orderBy('source')
    .orderBy('t.currency')
    .execute();
}
