import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Where a piece left from and the carrier service it travels with: a carrier's tariff is per origin and
  // service, so reconciliation prices the parcel as it was shipped, not by a guess.
  await db.schema
    .alterTable('order_parcels')
    .addColumn('origin_country', 'text', (c) => c.check(sql`origin_country ~ '^[A-Z]{2}$'`))
    .addColumn('service_code', 'text', (c) => c.check(sql`service_code ~ '^[A-Z0-9_-]{1,32}$'`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('order_parcels')
    .dropColumn('service_code')
    .dropColumn('origin_country')
    .execute();
}
