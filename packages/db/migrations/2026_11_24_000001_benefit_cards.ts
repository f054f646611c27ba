import { sql, type Kysely } from 'kysely';

const now = sql`now()`;

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Sponsor users sign in with a username (the iQpay contract); other users keep signing in by e-mail.
  await db.schema
    .alterTable('users')
    .addColumn('username', 'text', (c) => c.unique().check(sql`username = lower(username)`))
    .execute();

  await db.schema
    .createTable('benefit_products')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('card_provider', 'text', (c) => c.notNull())
    .addColumn('face_value_minor', 'bigint', (c) => c.notNull().check(sql`face_value_minor > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('benefit_programs')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('delivery_channel', 'text', (c) =>
      c.notNull().check(sql`delivery_channel in ('sms', 'email', 'webhook')`),
    )
    .addColumn('webhook_url', 'text')
    .addColumn('webhook_secret_encrypted', 'text')
    .addColumn('external_id_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('budget_balance_minor', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`budget_balance_minor >= 0`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addUniqueConstraint('benefit_programs_code_per_organization', ['organization_id', 'code'])
    .addCheckConstraint(
      'benefit_programs_webhook_settings',
      sql`delivery_channel <> 'webhook' or (webhook_url is not null and webhook_secret_encrypted is not null)`,
    )
    .execute();

  await db.schema
    .createTable('benefit_program_products')
    .addColumn('program_id', 'uuid', (c) => c.notNull().references('benefit_programs.id').onDelete('cascade'))
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('benefit_products.id'))
    .addPrimaryKeyConstraint('benefit_program_products_pkey', ['program_id', 'product_id'])
    .execute();

  await db.schema
    .createTable('benefit_members')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('external_id', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('phone_country_code', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('opt_in_notification', 'boolean', (c) => c.notNull())
    .addColumn('opt_in_sms_or_email', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await sql`create unique index benefit_members_external_id_idx on benefit_members (organization_id, external_id) where external_id is not null`.execute(
    db,
  );
  await sql`create unique index benefit_members_email_idx on benefit_members (organization_id, email) where external_id is null`.execute(
    db,
  );

  await db.schema
    .createTable('benefit_orders')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('program_id', 'uuid', (c) => c.notNull().references('benefit_programs.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('benefit_members.id'))
    .addColumn('product_codes', sql`text[]`, (c) => c.notNull())
    .addColumn('external_transaction_id', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('scheduled', 'processed', 'cancelled')`),
    )
    .addColumn('processing_date', 'timestamptz')
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('processed_at', 'timestamptz')
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  await sql`create unique index benefit_orders_external_transaction_idx on benefit_orders (organization_id, external_transaction_id) where external_transaction_id is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('benefit_orders_organization_created_idx')
    .on('benefit_orders')
    .columns(['organization_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('benefit_cards')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'bigint', (c) => c.notNull().references('benefit_orders.id'))
    .addColumn('organization_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('benefit_members.id'))
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('benefit_products.id'))
    .addColumn('activation_code', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending_activation', 'active', 'deactivated', 'replaced')`),
    )
    .addColumn('delivery_status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('not_sent')
        .check(sql`delivery_status in ('not_sent', 'pending', 'delivered', 'failed')`),
    )
    .addColumn('face_value_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('benefit_cards_order_idx').on('benefit_cards').column('order_id').execute();

  await db.schema
    .createTable('benefit_card_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('card_id', 'uuid', (c) => c.notNull().references('benefit_cards.id'))
    .addColumn('type', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`type in ('issued', 'delivered', 'delivery_failed', 'activated', 'resent', 'deactivated', 'cancelled')`,
        ),
    )
    .addColumn('detail', 'text')
    .addColumn('actor_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('benefit_card_events_card_idx')
    .on('benefit_card_events')
    .columns(['card_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('benefit_card_deliveries')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('card_id', 'uuid', (c) => c.notNull().references('benefit_cards.id'))
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('sms', 'email', 'webhook')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'succeeded', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('benefit_card_deliveries_card_idx')
    .on('benefit_card_deliveries')
    .column('card_id')
    .execute();

  await db.schema
    .createTable('benefit_card_delivery_attempts')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('delivery_id', 'uuid', (c) =>
      c.notNull().references('benefit_card_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempt_number', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_body_excerpt', 'text')
    .execute();
  await db.schema
    .createIndex('benefit_card_delivery_attempts_delivery_idx')
    .on('benefit_card_delivery_attempts')
    .columns(['delivery_id', 'attempt_number'])
    .execute();

  await db.schema
    .createTable('benefit_budget_transactions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('program_id', 'uuid', (c) => c.notNull().references('benefit_programs.id'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('top_up', 'card_issued', 'refund')`))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('balance_after_minor', 'bigint', (c) => c.notNull())
    .addColumn('order_id', 'bigint', (c) => c.references('benefit_orders.id'))
    .addColumn('card_id', 'uuid', (c) => c.references('benefit_cards.id'))
    .addColumn('note', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('benefit_budget_transactions_program_idx')
    .on('benefit_budget_transactions')
    .columns(['program_id', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('sms_outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('to', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('queued')
        .check(sql`status in ('queued', 'sent', 'failed')`),
    )
    .addColumn('provider_message_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('sms_outbox_created_idx')
    .on('sms_outbox')
    .columns(['created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'sms_outbox',
    'benefit_budget_transactions',
    'benefit_card_delivery_attempts',
    'benefit_card_deliveries',
    'benefit_card_events',
    'benefit_cards',
    'benefit_orders',
    'benefit_members',
    'benefit_program_products',
    'benefit_programs',
    'benefit_products',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.alterTable('users').dropColumn('username').execute();
}
