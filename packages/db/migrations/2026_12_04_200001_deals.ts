import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A deal shown to consumers between starts_at and ends_at, unless retired. `merchant_id` is the publishing
  // merchant; null is a platform deal (published by operators). Its status is derived, never stored.
  // Empty targeting arrays mean "everyone"; only platform deals may target merchants.
  await db.schema
    .createTable('deals')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('merchant_id', 'uuid', (c) => c.references('organizations.id'))
    .addColumn('title', 'text', (c) => c.notNull().check(sql`char_length(title) between 1 and 120`))
    .addColumn('description', 'text', (c) =>
      c.notNull().check(sql`char_length(description) between 1 and 2000`),
    )
    .addColumn('image_url', 'text', (c) => c.check(sql`image_url like 'https://%'`))
    .addColumn('link_url', 'text')
    .addColumn('code', 'text')
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('target_countries', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('target_merchant_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('retired_at', 'timestamptz')
    .addColumn('created_by', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('deals_ends_after_start', sql`ends_at > starts_at`)
    .addCheckConstraint(
      'deals_merchant_targeting_platform_only',
      sql`merchant_id is null or cardinality(target_merchant_ids) = 0`,
    )
    .execute();
  // The feed reads the deals not retired and not yet ended; what is live is a range check on that index.
  await sql`create index deals_current_idx on deals (ends_at, starts_at) where retired_at is null`.execute(
    db,
  );
  // A merchant's own deals, newest first (management list).
  await sql`create index deals_merchant_idx on deals (merchant_id, created_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('deals').execute();
}
