import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A consumer is one verified e-mail address (stored lower-case); a phone may be added and verified later.
  await db.schema
    .createTable('consumers')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`email = lower(email)`),
    )
    .addColumn('language', 'text', (c) => c.check(sql`language in ('en', 'nl')`))
    .addColumn('phone', 'text')
    .addColumn('phone_verified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('verified_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // A mailed sign-in link: only the SHA-256 of its token, single use, short-lived. The address is not a consumer
  // until the link is redeemed.
  await db.schema
    .createTable('consumer_magic_links')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('consumer_magic_links_expires_idx')
    .on('consumer_magic_links')
    .column('expires_at')
    .execute();

  // One row per consumer JWT (its `jti`): a token counts only while its session is neither revoked nor expired.
  await db.schema
    .createTable('consumer_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('consumer_id', 'uuid', (c) => c.notNull().references('consumers.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('consumer_sessions_consumer_idx')
    .on('consumer_sessions')
    .column('consumer_id')
    .execute();

  // The consumer's parcels are every order carrying their address, whatever its case, newest first.
  await sql`create index orders_customer_email_idx on orders (lower(customer_email), created_at desc, id desc)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index orders_customer_email_idx`.execute(db);
  await db.schema.dropTable('consumer_sessions').execute();
  await db.schema.dropTable('consumer_magic_links').execute();
  await db.schema.dropTable('consumers').execute();
}
