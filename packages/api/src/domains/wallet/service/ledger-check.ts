import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import type { LedgerCheck } from '../schemas';

/**
 * The ledger's own control, for the daily controls: per currency the accounts' balances sum to zero (every
 * transfer debits one and credits another by the same amount), and every account's four stored balances equal
 * the sums of its transfers. Each query is one statement, so it reads one snapshot while money moves.
 */
export async function checkLedger(db: DbExecutor): Promise<LedgerCheck> {
  const sums = await db
    .selectFrom('ledger_accounts')
    .select([
      'currency',
      sql<number>`count(*)::int`.as('accounts'),
      sql<number>`sum(debits_posted - credits_posted)::bigint`.as('posted'),
      sql<number>`sum(debits_pending - credits_pending)::bigint`.as('pending'),
    ])
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  const mismatched = await sql<{ id: string }>`
    with sides as (
      select debit_account_id as account_id,
             case when state = 'pending' then amount_minor else 0 end as debits_pending,
             case when state = 'posted' then amount_minor else 0 end as debits_posted,
             0::bigint as credits_pending, 0::bigint as credits_posted
        from ledger_transfers
      union all
      select credit_account_id, 0, 0,
             case when state = 'pending' then amount_minor else 0 end,
             case when state = 'posted' then amount_minor else 0 end
        from ledger_transfers
    ), totals as (
      select account_id, sum(debits_pending) as dpe, sum(debits_posted) as dpo,
             sum(credits_pending) as cpe, sum(credits_posted) as cpo
        from sides group by account_id
    )
    select a.id from ledger_accounts a left join totals t on t.account_id = a.id
     where (a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted)
           is distinct from (coalesce(t.dpe, 0), coalesce(t.dpo, 0), coalesce(t.cpe, 0), coalesce(t.cpo, 0))
     order by a.id limit 100`.execute(db);
  const currencies = sums.map((s) => ({
    currency: s.currency,
    accounts: s.accounts,
    postedSumMinor: s.posted,
    pendingSumMinor: s.pending,
    balanced: s.posted === 0 && s.pending === 0,
  }));
  const accountsNotMatchingTransfers = mismatched.rows.map((r) => r.id);
  return {
    checkedAt: new Date().toISOString(),
    balanced: currencies.every((c) => c.balanced) && accountsNotMatchingTransfers.length === 0,
    currencies,
    accountsNotMatchingTransfers,
  };
}
