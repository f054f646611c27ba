import type { DbExecutor } from '@ipay/db';

/**
 * The names of the merchant organizations among `ids`, by id: ids of other organizations, or of none, are
 * absent from the map. For domains that show or check merchants without reading the organizations table.
 */
export async function merchantNames(db: DbExecutor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('organizations')
    .select(['id', 'name'])
    .where('type', '=', 'merchant')
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}
