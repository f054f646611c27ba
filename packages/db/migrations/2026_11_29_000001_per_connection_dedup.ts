import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A shop's delivery id is unique only within that shop (WooCommerce numbers them per site), so a push is a
  // replay only of an earlier push on the same connection, never of another merchant's.
  await sql`alter table integration_webhook_deliveries drop constraint integration_webhook_deliveries_pkey`.execute(
    db,
  );
  await db.schema
    .alterTable('integration_webhook_deliveries')
    .addPrimaryKeyConstraint('integration_webhook_deliveries_pkey', ['integration_id', 'delivery_id'])
    .execute();
  // A digest of the iQpay request that created the order, so a second request under the same
  // externalTransactionId can be told a replay (same body) from a different order (a conflict). Null for
  // orders created before it was kept.
  await db.schema.alterTable('benefit_orders').addColumn('create_fingerprint', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('benefit_orders').dropColumn('create_fingerprint').execute();
  // Fails while two connections hold the same delivery id: which of them to drop is not ours to decide.
  await sql`alter table integration_webhook_deliveries drop constraint integration_webhook_deliveries_pkey`.execute(
    db,
  );
  await db.schema
    .alterTable('integration_webhook_deliveries')
    .addPrimaryKeyConstraint('integration_webhook_deliveries_pkey', ['provider', 'delivery_id'])
    .execute();
}
