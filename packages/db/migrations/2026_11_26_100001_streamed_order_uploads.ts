import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // An upload is recorded when the file's header row arrives and stays `receiving` while its rows stream in and
  // are parked; a file refused on the way (too big, too many rows, unreadable) is deleted with its rows.
  await sql`alter table order_uploads drop constraint order_uploads_status_check`.execute(db);
  await sql`
    alter table order_uploads add constraint order_uploads_status_check
      check (status in ('receiving', 'queued', 'processing', 'completed', 'failed'))`.execute(db);

  // Orders are assembled from the parked rows in pages ordered by reference, so one order's rows may lie
  // anywhere in the file without the whole file being held in memory. Null: the row has no reference.
  await db.schema.alterTable('order_upload_rows').addColumn('merchant_reference', 'text').execute();
  await db.schema
    .createIndex('order_upload_rows_reference_idx')
    .on('order_upload_rows')
    .columns(['upload_id', 'merchant_reference', 'row_number'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('order_upload_rows_reference_idx').execute();
  await db.schema.alterTable('order_upload_rows').dropColumn('merchant_reference').execute();
  await sql`delete from order_uploads where status = 'receiving'`.execute(db);
  await sql`alter table order_uploads drop constraint order_uploads_status_check`.execute(db);
  await sql`
    alter table order_uploads add constraint order_uploads_status_check
      check (status in ('queued', 'processing', 'completed', 'failed'))`.execute(db);
}
