import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { fetchPage } from '../../../platform/pagination';
import type { BalanceInput, BalanceOutput, WalletBalance, WalletTransfer } from '../schemas';
import { transferOf } from './movements';

/** A wallet holder's balances per currency and their transfers, most recent first. */
export async function getWalletBalance(
  db: DbExecutor,
  options: { email: string; page: BalanceInput },
): Promise<BalanceOutput> {
  const email = options.email.toLowerCase();
  const accounts = await db
    .selectFrom('ledger_accounts')
    .select(['id', 'currency', 'debits_pending', 'debits_posted', 'credits_pending', 'credits_posted'])
    .where('kind', '=', 'consumer_wallet')
    .where('owner_email', '=', email)
    .orderBy('currency')
    .execute();
  const balances: WalletBalance[] = accounts.map((a) => ({
    currency: a.currency,
    postedMinor: a.credits_posted - a.debits_posted,
    pendingMinor: a.debits_pending,
    incomingMinor: a.credits_pending,
    availableMinor: a.credits_posted - a.debits_posted - a.debits_pending,
  }));
  const ids = accounts
    .filter((a) => !options.page.currency || a.currency === options.page.currency)
    .map((a) => a.id);
  if (ids.length === 0) return { email, balances, transfers: { items: [], nextCursor: null } };

  const query = db
    .selectFrom('ledger_transfers as t')
    .innerJoin('ledger_accounts as d', 'd.id', 't.debit_account_id')
    .innerJoin('ledger_accounts as c', 'c.id', 't.credit_account_id')
    .select([
      't.id',
      't.kind',
      't.state',
      't.amount_minor',
      't.currency',
      't.debit_account_id',
      't.credit_account_id',
      't.note',
      't.created_at',
      't.resolved_at',
      sql<string>`coalesce(d.owner_email, 'platform:' || d.platform_code)`.as('from_label'),
      sql<string>`coalesce(c.owner_email, 'platform:' || c.platform_code)`.as('to_label'),
    ])
    .where((eb) => eb.or([eb('t.debit_account_id', 'in', ids), eb('t.credit_account_id', 'in', ids)]));
  const page = await fetchPage(query, options.page, { orderBy: ['t.created_at', 't.id'], direction: 'desc' });
  const items: WalletTransfer[] = page.items.map((row) => ({
    ...transferOf(row, row.from_label, row.to_label),
    direction: ids.includes(row.debit_account_id) ? 'out' : 'in',
  }));
  return { email, balances, transfers: { items, nextCursor: page.nextCursor } };
}
