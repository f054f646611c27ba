import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';

/**
 * The carrier codes a partner organization delivers for, as a subquery: the `carrier` data scope
 * (`platform/data-scope.ts`) compares a parcel's carrier code with it. Any other organization has none.
 */
export function carrierCodesOfPartner(organizationId: string): RawBuilder<string> {
  return sql<string>`select partner_carrier_codes.carrier_code from partner_carrier_codes
    where partner_carrier_codes.organization_id = ${organizationId}`;
}

export function selectPartners(db: DbExecutor) {
  return db
    .selectFrom('partners')
    .innerJoin('organizations', 'organizations.id', 'partners.organization_id')
    .select([
      'partners.organization_id as id',
      'organizations.name',
      'partners.contact_name',
      'partners.contact_email',
      'partners.contact_phone',
      'partners.created_at',
      'partners.updated_at',
    ]);
}
export type PartnerRow = Awaited<ReturnType<ReturnType<typeof selectPartners>['executeTakeFirstOrThrow']>>;

/** Each partner's carrier codes, in alphabetical order. */
export async function findCarrierCodes(
  db: DbExecutor,
  organizationIds: readonly string[],
): Promise<Map<string, string[]>> {
  const codes = new Map<string, string[]>(organizationIds.map((id) => [id, []]));
  if (!organizationIds.length) return codes;
  const rows = await db
    .selectFrom('partner_carrier_codes')
    .select(['organization_id', 'carrier_code'])
    .where('organization_id', 'in', organizationIds)
    // Byte order, as JavaScript sorts: the same list reads the same everywhere, whatever the collation.
    .orderBy(sql`carrier_code collate "C"`)
    .execute();
  for (const row of rows) codes.get(row.organization_id)?.push(row.carrier_code);
  return codes;
}

/** Makes the partner's carrier codes exactly `codes`. */
export async function replaceCarrierCodes(
  trx: DbTransaction,
  organizationId: string,
  codes: readonly string[],
): Promise<void> {
  let removal = trx.deleteFrom('partner_carrier_codes').where('organization_id', '=', organizationId);
  if (codes.length) removal = removal.where('carrier_code', 'not in', codes);
  await removal.execute();
  if (!codes.length) return;
  await trx
    .insertInto('partner_carrier_codes')
    .values(codes.map((carrier_code) => ({ organization_id: organizationId, carrier_code })))
    .onConflict((oc) => oc.columns(['organization_id', 'carrier_code']).doNothing())
    .execute();
}
