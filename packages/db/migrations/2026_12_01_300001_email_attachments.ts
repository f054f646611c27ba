import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A caller's own key (e.g. one per carrier statement revision): the same key queues one e-mail, and it is the
  // Idempotency-Key Resend sees. Null: the e-mail's own `ipay-email-<id>`.
  await db.schema.alterTable('email_outbox').addColumn('idempotency_key', 'text').execute();
  await db.schema
    .createIndex('email_outbox_idempotency_key_idx')
    .on('email_outbox')
    .column('idempotency_key')
    .unique()
    .execute();
  // Raw bytes beside the e-mail, not base64 in a JSON column: a third smaller, never read by the outbox list,
  // and a retried send reads exactly the bytes that were queued.
  await db.schema
    .createTable('email_attachments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email_id', 'uuid', (c) => c.notNull().references('email_outbox.id').onDelete('cascade'))
    .addColumn('position', 'smallint', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('content', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('email_attachments_email_position_key', ['email_id', 'position'])
    .addCheckConstraint('email_attachments_size_check', sql`size_bytes = octet_length(content)`)
    .execute();
  // PDFs and images are compressed already: storing them uncompressed spares the CPU of trying.
  await sql`alter table email_attachments alter column content set storage external`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_attachments').execute();
  await db.schema.dropIndex('email_outbox_idempotency_key_idx').execute();
  await db.schema.alterTable('email_outbox').dropColumn('idempotency_key').execute();
}
