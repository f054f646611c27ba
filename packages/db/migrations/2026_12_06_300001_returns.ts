import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A merchant's return rules; a merchant without a row has the defaults below.
  await db.schema
    .createTable('return_settings')
    .addColumn('merchant_id', 'uuid', (c) =>
      c.primaryKey().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('window_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(14)
        .check(sql`window_days between 0 and 365`),
    )
    .addColumn('approval_required', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('refund_trigger', 'text', (c) =>
      c
        .notNull()
        .defaultTo('RECEIVED')
        .check(sql`refund_trigger in ('RECEIVED', 'MERCHANT_CONFIRMATION')`),
    )
    .addColumn('refund_shipping', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('wallet_bonus_percent', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`wallet_bonus_percent between 0 and 100`),
    )
    .addColumn('expiry_days', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(14)
        .check(sql`expiry_days between 1 and 365`),
    )
    // Where returned parcels go (the label's to-address); null until the merchant sets it.
    .addColumn('return_name', 'text')
    .addColumn('return_address_line1', 'text')
    .addColumn('return_address_line2', 'text')
    .addColumn('return_postal_code', 'text')
    .addColumn('return_city', 'text')
    .addColumn('return_country', 'text')
    .addColumn('return_email', 'text')
    .addColumn('return_phone', 'text')
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One return case: the consumer sends (part of) one delivered order back. The portal token is found by its
  // SHA-256 and kept sealed so the portal link can be printed again (on the label's QR, in e-mails).
  await db.schema
    .createTable('return_cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organization_id', 'uuid', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('payment_sessions.id').onDelete('cascade'))
    .addColumn('merchant_reference', 'text', (c) => c.notNull())
    .addColumn('consumer_id', 'uuid', (c) => c.references('consumers.id').onDelete('set null'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('OPENED')
        .check(
          sql`status in ('OPENED', 'APPROVED', 'LABEL_CREATED', 'IN_TRANSIT', 'RECEIVED', 'REFUNDED', 'REJECTED', 'CANCELLED', 'EXPIRED')`,
        ),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('token_sealed', 'text', (c) => c.notNull())
    .addColumn('refund_method', 'text', (c) =>
      c.notNull().check(sql`refund_method in ('ORIGINAL_PAYMENT', 'WALLET_CREDIT')`),
    )
    .addColumn('refund_email', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.check(sql`char_length(note) <= 1000`))
    .addColumn('reject_reason', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('in_transit_at', 'timestamptz')
    .addColumn('received_at', 'timestamptz')
    .addColumn('refund_confirmed_at', 'timestamptz')
    .addColumn('refunded_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    // Written by the labels side (Sendcloud parcel and its scans).
    .addColumn('sendcloud_parcel_id', 'bigint')
    .addColumn('tracking_number', 'text')
    .addColumn('carrier_code', 'text')
    .addColumn('label_created_at', 'timestamptz')
    .addColumn('last_carrier_status_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('return_cases_org_list_idx')
    .on('return_cases')
    .columns(['organization_id', 'opened_at', 'id'])
    .execute();
  await db.schema.createIndex('return_cases_order_idx').on('return_cases').column('order_id').execute();
  await sql`create index return_cases_expiry_idx on return_cases (expires_at)
    where status in ('OPENED', 'APPROVED', 'LABEL_CREATED')`.execute(db);
  await sql`create unique index return_cases_parcel_idx on return_cases (sendcloud_parcel_id)
    where sendcloud_parcel_id is not null`.execute(db);

  // The order lines sent back, copied from order_items when the case opens (price at the time of sale).
  await db.schema
    .createTable('return_items')
    .addColumn('return_id', 'uuid', (c) => c.notNull().references('return_cases.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('unit_price_minor', 'integer', (c) => c.notNull().check(sql`unit_price_minor >= 0`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('reason_text', 'text', (c) => c.check(sql`char_length(reason_text) <= 500`))
    .addPrimaryKeyConstraint('return_items_pkey', ['return_id', 'position'])
    .execute();

  // At most one refund per case (the primary key): whatever triggers it again finds this row.
  await db.schema
    .createTable('return_refunds')
    .addColumn('return_id', 'uuid', (c) => c.primaryKey().references('return_cases.id').onDelete('cascade'))
    .addColumn('method', 'text', (c) =>
      c.notNull().check(sql`method in ('ORIGINAL_PAYMENT', 'WALLET_CREDIT')`),
    )
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('PENDING')
        .check(sql`status in ('PENDING', 'DONE')`),
    )
    .addColumn('amount_minor', 'integer', (c) => c.notNull().check(sql`amount_minor >= 0`))
    .addColumn('shipping_minor', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`shipping_minor >= 0`),
    )
    .addColumn('bonus_minor', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`bonus_minor >= 0`),
    )
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('payment_id', 'uuid', (c) => c.references('payments.id').onDelete('set null'))
    .addColumn('psp', 'text')
    .addColumn('psp_refund_id', 'text')
    .addColumn('wallet_transfer_id', 'uuid')
    .addColumn('bonus_transfer_id', 'uuid')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('completed_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('return_refunds').execute();
  await db.schema.dropTable('return_items').execute();
  await db.schema.dropTable('return_cases').execute();
  await db.schema.dropTable('return_settings').execute();
}
