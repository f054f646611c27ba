import type { DbTransaction } from '@ipay/db';
import type { PlatformAccount } from '../schemas';

/** A ledger account by what it belongs to: a consumer's address or a platform account, in one currency. */
export type AccountKey = { email: string } | { platform: PlatformAccount };

export interface AccountRef {
  id: string;
  /** `<email>` or `platform:<code>`, as transfers show their two sides. */
  label: string;
}

export function accountLabel(row: { owner_email: string | null; platform_code: string | null }): string {
  return row.owner_email ?? `platform:${row.platform_code ?? ''}`;
}

export function labelOf(key: AccountKey): string {
  return 'email' in key ? key.email : `platform:${key.platform}`;
}

async function findAccounts(trx: DbTransaction, keys: AccountKey[], currency: string) {
  const emails = keys.flatMap((k) => ('email' in k ? [k.email] : []));
  const codes = keys.flatMap((k) => ('platform' in k ? [k.platform] : []));
  return trx
    .selectFrom('ledger_accounts')
    .select(['id', 'owner_email', 'platform_code'])
    .where('currency', '=', currency)
    .where((eb) =>
      eb.or([
        ...(emails.length > 0
          ? [eb.and([eb('kind', '=', 'consumer_wallet'), eb('owner_email', 'in', emails)])]
          : []),
        ...(codes.length > 0
          ? [eb.and([eb('kind', '=', 'platform'), eb('platform_code', 'in', codes)])]
          : []),
      ]),
    )
    .execute();
}

/**
 * The accounts of `keys` in `currency`, opened on first use (a wallet exists from the first money sent to its
 * address). Missing accounts are inserted in label order, so two transactions opening the same two accounts
 * wait for each other instead of deadlocking.
 */
export async function resolveAccounts(
  trx: DbTransaction,
  keys: AccountKey[],
  currency: string,
): Promise<AccountRef[]> {
  let rows = await findAccounts(trx, keys, currency);
  const found = () => new Map(rows.map((row) => [accountLabel(row), row.id]));
  const missing = keys.filter((key) => !found().has(labelOf(key)));
  if (missing.length > 0) {
    const values = missing
      .sort((a, b) => labelOf(a).localeCompare(labelOf(b)))
      .map((key) =>
        'email' in key
          ? { kind: 'consumer_wallet' as const, owner_email: key.email, currency }
          : { kind: 'platform' as const, platform_code: key.platform, currency },
      );
    await trx
      .insertInto('ledger_accounts')
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .execute();
    rows = await findAccounts(trx, keys, currency);
  }
  const ids = found();
  return keys.map((key) => {
    const label = labelOf(key);
    const id = ids.get(label);
    if (!id) throw new Error(`ledger account ${label} ${currency} was not opened`);
    return { id, label };
  });
}
