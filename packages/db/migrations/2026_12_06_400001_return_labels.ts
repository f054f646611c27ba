import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One return label per case: Sendcloud's return and parcel, then the composite PDF (the carrier's label with the
  // IPAY overlay) and its SHA-256. A row without a PDF is an announced return whose label is still to be fetched:
  // a retry reuses the announcement instead of booking (and paying for) a second one.
  await db.schema
    .createTable('return_labels')
    .addColumn('return_id', 'uuid', (c) => c.primaryKey().references('return_cases.id').onDelete('cascade'))
    .addColumn('sendcloud_return_id', 'bigint', (c) => c.notNull())
    .addColumn('sendcloud_parcel_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('shipping_option_code', 'text', (c) => c.notNull())
    .addColumn('paper_size', 'text', (c) => c.notNull().check(sql`paper_size in ('a6', 'a4')`))
    .addColumn('tracking_number', 'text')
    .addColumn('carrier_code', 'text')
    .addColumn('pdf', 'bytea')
    .addColumn('sha256', 'text', (c) => c.check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('announced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('composed_at', 'timestamptz')
    .addCheckConstraint('return_labels_pdf_with_hash', sql`(pdf is null) = (sha256 is null)`)
    .execute();

  // Every carrier scan Sendcloud reported for a return parcel, once: the same (parcel, status, carrier time) again
  // is a replay and changes nothing. `moved_to` says which scan moved the case (null: recorded only).
  await db.schema
    .createTable('return_carrier_scans')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('return_cases.id').onDelete('cascade'))
    .addColumn('sendcloud_parcel_id', 'bigint', (c) => c.notNull())
    .addColumn('status_id', 'integer', (c) => c.notNull())
    .addColumn('status_message', 'text', (c) => c.notNull())
    .addColumn('carrier_at', 'timestamptz', (c) => c.notNull())
    .addColumn('moved_to', 'text', (c) => c.check(sql`moved_to in ('IN_TRANSIT', 'RECEIVED')`))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('return_carrier_scans_once', ['sendcloud_parcel_id', 'status_id', 'carrier_at'])
    .execute();
  await db.schema
    .createIndex('return_carrier_scans_return_idx')
    .on('return_carrier_scans')
    .columns(['return_id', 'carrier_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('return_carrier_scans').execute();
  await db.schema.dropTable('return_labels').execute();
}
