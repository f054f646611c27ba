import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_uploads')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv', 'xlsx')`))
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('strict', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'processing', 'completed', 'failed')`),
    )
    // The file's header row, so the rejected rows can be handed back under their own column names.
    .addColumn('headers', 'jsonb', (c) => c.notNull())
    // Header → field as applied (automatic or the caller's override).
    .addColumn('mapping', 'jsonb', (c) => c.notNull())
    .addColumn('rows_total', 'integer', (c) => c.notNull())
    .addColumn('rows_processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('existing_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('order_uploads_merchant_created_idx')
    .on('order_uploads')
    .columns(['merchant_id', 'created_at'])
    .execute();

  // Parsed rows of an upload waiting for its job; deleted once processed.
  await db.schema
    .createTable('order_upload_rows')
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('order_uploads.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('cells', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_upload_rows_pkey', ['upload_id', 'row_number'])
    .execute();

  await db.schema
    .createTable('order_upload_rejections')
    .addColumn('upload_id', 'uuid', (c) => c.notNull().references('order_uploads.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('column', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('cells', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_upload_rejections_pkey', ['upload_id', 'row_number'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_upload_rejections').execute();
  await db.schema.dropTable('order_upload_rows').execute();
  await db.schema.dropTable('order_uploads').execute();
}
