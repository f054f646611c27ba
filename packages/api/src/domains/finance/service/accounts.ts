import type { DbExecutor } from '@ipay/db';
import { toTimestamp } from '../../../platform/time';
import type { AccountMapping, SetAccountMappingInput } from '../schemas';

type MappingRow = {
  account_key: string;
  gl_account: string;
  description: string;
  updated_by: string;
  updated_at: Date;
};

function mappingOut(row: MappingRow): AccountMapping {
  return { ...row, updated_at: toTimestamp(row.updated_at) };
}

/** Account key → Exact ledger account GUID, as batches are built with it. */
export async function accountMap(db: DbExecutor): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('finance_account_mappings')
    .select(['account_key', 'gl_account'])
    .execute();
  return new Map(rows.map((row) => [row.account_key, row.gl_account]));
}

export async function listAccountMappings(db: DbExecutor): Promise<{ items: AccountMapping[] }> {
  const rows = await db.selectFrom('finance_account_mappings').selectAll().orderBy('account_key').execute();
  return { items: rows.map(mappingOut) };
}

/**
 * Maps (or remaps) one account key. Batches already built keep the ledger account they were built with; the
 * next build of a day uses the new one, and so makes a new revision that needs a new approval.
 */
export async function setAccountMapping(
  db: DbExecutor,
  options: { input: SetAccountMappingInput; actorId: string },
): Promise<AccountMapping> {
  const { input } = options;
  const values = {
    gl_account: input.gl_account.toLowerCase(),
    description: input.description,
    updated_by: options.actorId,
    updated_at: new Date(),
  };
  const row = await db
    .insertInto('finance_account_mappings')
    .values({ account_key: input.account_key, ...values })
    .onConflict((oc) => oc.column('account_key').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return mappingOut(row);
}
