import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One share link per payment session, asked for by the consumer whose parcel it is. The code is found by its
  // SHA-256; it is also kept sealed (AES-256-GCM under a key derived from IPAY_ENCRYPTION_KEY) so that asking
  // again returns the same link. It ends with the session: whether it still works is read from the session.
  await db.schema
    .createTable('payment_shares')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('session_id', 'uuid', (c) =>
      c.notNull().unique().references('payment_sessions.id').onDelete('cascade'),
    )
    .addColumn('consumer_id', 'uuid', (c) => c.notNull().references('consumers.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('code_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Each press of Pay on a share page: the payer attempt it made (the hash the session keeps as its latest
  // attempt) and the name the payer chose to give, if any. A session paid with one of these was paid through
  // the share link.
  await db.schema
    .createTable('payment_share_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('share_id', 'uuid', (c) => c.notNull().references('payment_shares.id').onDelete('cascade'))
    .addColumn('attempt_hash', 'text', (c) => c.notNull().unique())
    .addColumn('payer_name', 'text', (c) => c.check(sql`char_length(payer_name) between 1 and 80`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('payment_share_attempts_share_idx')
    .on('payment_share_attempts')
    .column('share_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('payment_share_attempts').execute();
  await db.schema.dropTable('payment_shares').execute();
}
