import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('merchant_reference', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('OPEN')
        .check(
          sql`status in ('OPEN', 'PAYMENT_PENDING', 'PAID', 'RELEASED', 'DELIVERED', 'CANCELLED', 'RETURNED')`,
        ),
    )
    .addColumn('customer_name', 'text', (c) => c.notNull())
    .addColumn('customer_email', 'text', (c) => c.notNull())
    .addColumn('customer_phone', 'text')
    .addColumn('address_line1', 'text', (c) => c.notNull())
    .addColumn('address_line2', 'text')
    .addColumn('postal_code', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull().check(sql`country ~ '^[A-Z]{2}$'`))
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('items_total_minor', 'bigint', (c) => c.notNull().check(sql`items_total_minor >= 0`))
    .addColumn('shipping_minor', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`shipping_minor >= 0`),
    )
    .addColumn('total_minor', 'bigint', (c) =>
      c.notNull().check(sql`total_minor = items_total_minor + shipping_minor`),
    )
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('ipay_flag', 'boolean', (c) => c.notNull())
    .addColumn('weight_grams', 'integer')
    .addColumn('length_mm', 'integer')
    .addColumn('width_mm', 'integer')
    .addColumn('height_mm', 'integer')
    .addColumn('create_fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('cancel_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('orders_merchant_reference_key', ['merchant_id', 'merchant_reference'])
    .execute();
  await db.schema
    .createIndex('orders_merchant_created_idx')
    .on('orders')
    .columns(['merchant_id', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('orders_created_idx').on('orders').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('order_items')
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('unit_price_minor', 'bigint', (c) => c.notNull().check(sql`unit_price_minor >= 0`))
    .addColumn('line_total_minor', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_items_pkey', ['order_id', 'position'])
    .execute();

  await db.schema
    .createTable('payment_sessions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id'))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull().references('organizations.id'))
    .addColumn('reference', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`reference ~ '^[0-9]{18}$'`),
    )
    .addColumn('pay_token', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('PENDING_PAYMENT')
        .check(
          sql`status in ('PENDING_PAYMENT', 'PAID', 'RELEASED', 'DELIVERED', 'EXPIRED', 'CANCELLED', 'REFUNDED')`,
        ),
    )
    .addColumn('parcel_status', 'text', (c) =>
      c.check(
        sql`parcel_status in ('PICKED_UP', 'IN_DELIVERY', 'DELIVERED', 'DELIVERY_FAILED', 'RETURNED_TO_SENDER')`,
      ),
    )
    .addColumn('parcel_status_reason', 'text')
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('psp', 'text', (c) => c.check(sql`psp in ('stripe', 'multisafepay', 'simulate')`))
    .addColumn('payment_method', 'text')
    .addColumn('psp_checkout_id', 'text')
    .addColumn('otp_failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('otp_locked_at', 'timestamptz')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('paid_at', 'timestamptz')
    .addColumn('released_at', 'timestamptz')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // At most one session per order that can still be paid or is paid.
  await sql`create unique index payment_sessions_one_live_per_order on payment_sessions (order_id)
    where status not in ('EXPIRED', 'CANCELLED')`.execute(db);
  await db.schema
    .createIndex('payment_sessions_merchant_created_idx')
    .on('payment_sessions')
    .columns(['merchant_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('payment_sessions_created_idx')
    .on('payment_sessions')
    .columns(['created_at', 'id'])
    .execute();
  await sql`create index payment_sessions_pending_expiry_idx on payment_sessions (expires_at) where status = 'PENDING_PAYMENT'`.execute(
    db,
  );

  await db.schema
    .createTable('payments')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('session_id', 'uuid', (c) => c.notNull().references('payment_sessions.id'))
    .addColumn('psp', 'text', (c) => c.notNull())
    .addColumn('psp_payment_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('succeeded', 'failed')`))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('payment_method', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('needs_refund', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('refund_reason', 'text')
    .addColumn('refunded_at', 'timestamptz')
    .addColumn('psp_refund_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('payments_psp_payment_status_key', ['psp', 'psp_payment_id', 'status'])
    .execute();
  await db.schema.createIndex('payments_session_idx').on('payments').column('session_id').execute();

  await db.schema
    .createTable('psp_webhook_events')
    .addColumn('psp', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('psp_webhook_events_pkey', ['psp', 'event_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['psp_webhook_events', 'payments', 'payment_sessions', 'order_items', 'orders']) {
    await db.schema.dropTable(table).execute();
  }
}
