import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One uploaded carrier invoice file. Its lines are loaded while the file streams in (`receiving`); a file with
  // cell errors, or one imported already, is deleted with its lines before the answer, so only `imported` ones
  // stay.
  await db.schema
    .createTable('carrier_invoice_imports')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('carrier_code', 'text', (c) => c.notNull().check(sql`carrier_code ~ '^[A-Z0-9_-]{2,32}$'`))
    .addColumn('format', 'text', (c) =>
      c.notNull().check(sql`format in ('ups-billing-data', 'dhl-express-csv', 'generic-csv')`),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('receiving', 'imported')`))
    .addColumn('content_hash', 'text', (c) => c.check(sql`content_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('size_bytes', 'bigint')
    .addColumn('rows', 'integer')
    .addColumn('lines', 'integer')
    .addColumn('invoices', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('imported_at', 'timestamptz')
    .execute();
  // The same file is imported once per carrier: the second upload finds the first by its hash.
  await sql`create unique index carrier_invoice_imports_hash_key on carrier_invoice_imports (carrier_code, content_hash)
    where status = 'imported'`.execute(db);
  await db.schema
    .createIndex('carrier_invoice_imports_carrier_created_idx')
    .on('carrier_invoice_imports')
    .columns(['carrier_code', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('carrier_invoice_lines')
    .addColumn('import_id', 'uuid', (c) =>
      c.notNull().references('carrier_invoice_imports.id').onDelete('cascade'),
    )
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('source_row', 'integer', (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('invoice_date', 'date', (c) => c.notNull())
    .addColumn('tracking_number', 'text')
    .addColumn('shipment_number', 'text')
    .addColumn('ship_date', 'date')
    .addColumn('billed_weight_grams', 'integer')
    .addColumn('zone', 'text')
    .addColumn('charge_kind', 'text', (c) =>
      c.notNull().check(sql`charge_kind in ('base', 'fuel', 'surcharge', 'tax', 'other')`),
    )
    .addColumn('charge_code', 'text', (c) => c.notNull())
    .addColumn('charge_description', 'text', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('carrier_invoice_lines_pkey', ['import_id', 'line_number'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('carrier_invoice_lines').execute();
  await db.schema.dropTable('carrier_invoice_imports').execute();
}
