import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A product may say how long its cards stay valid; a card carries its own expiry from the moment it is
  // issued, so a later change to the product never moves the expiry of cards already out. Null: no expiry.
  await db.schema
    .alterTable('benefit_products')
    .addColumn('card_validity_days', 'integer', (c) => c.check(sql`card_validity_days between 1 and 3650`))
    .execute();
  await db.schema.alterTable('benefit_cards').addColumn('expires_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('benefit_cards').dropColumn('expires_at').execute();
  await db.schema.alterTable('benefit_products').dropColumn('card_validity_days').execute();
}
