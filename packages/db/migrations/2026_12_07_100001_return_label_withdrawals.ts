import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A return announced at Sendcloud whose label turned out unusable (not a PDF) and was withdrawn: the cancellation
  // IPAY asked Sendcloud for (`requested`) or could not get (`failed`: someone must cancel it in the Sendcloud
  // panel). The case's `return_labels` row goes, so the case can be booked again with another shipping option;
  // the count of withdrawals gives the next announcement its own external reference.
  await db.schema
    .createTable('return_label_withdrawals')
    .addColumn('sendcloud_return_id', 'bigint', (c) => c.primaryKey())
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('return_cases.id').onDelete('cascade'))
    .addColumn('sendcloud_parcel_id', 'bigint', (c) => c.notNull())
    .addColumn('shipping_option_code', 'text', (c) => c.notNull())
    .addColumn('cancellation', 'text', (c) => c.notNull().check(sql`cancellation in ('requested', 'failed')`))
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('return_label_withdrawals_return_idx')
    .on('return_label_withdrawals')
    .column('return_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('return_label_withdrawals').execute();
}
