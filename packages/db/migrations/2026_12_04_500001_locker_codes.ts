import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A carrier's signing secrets for locker calls, sealed with the platform key. Two may sign during a rotation:
  // a secret counts while it is not retired and its `retires_at` (if any) is still ahead.
  await db.schema
    .createTable('locker_carrier_secrets')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('retires_at', 'timestamptz')
    .addColumn('retired_at', 'timestamptz')
    .execute();
  await sql`create index locker_carrier_secrets_active_idx on locker_carrier_secrets (carrier_code)
    where retired_at is null`.execute(db);

  // One pickup code for one parcel in one locker; the code itself only sealed.
  await db.schema
    .createTable('locker_codes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('merchant_id', 'uuid', (c) => c.notNull())
    .addColumn('tracking_number', 'text')
    .addColumn('ipay_reference', 'text')
    .addColumn('locker_id', 'text', (c) => c.notNull())
    .addColumn('locker_name', 'text', (c) => c.notNull())
    .addColumn('compartment', 'text', (c) => c.notNull())
    .addColumn('code_sealed', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('ISSUED')
        .check(sql`status in ('ISSUED', 'COLLECTED', 'EXPIRED')`),
    )
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('collected_at', 'timestamptz')
    .addColumn('expired_at', 'timestamptz')
    .addColumn('reminder_queued_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('locker_codes_order_idx')
    .on('locker_codes')
    .columns(['order_id', 'issued_at'])
    .execute();
  await sql`create index locker_codes_issued_expiry_idx on locker_codes (expires_at) where status = 'ISSUED'`.execute(
    db,
  );

  // Every carrier event id once per carrier: a repeat is an already-processed success.
  await db.schema
    .createTable('locker_events')
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('locker_code_id', 'uuid', (c) => c.references('locker_codes.id').onDelete('cascade'))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('locker_events_pkey', ['carrier_code', 'event_id'])
    .execute();

  // Signatures already accepted, so the same signed request sent again is refused as a replay. Kept past the
  // 5-minute window only until the expiry job purges them: an older signature fails the timestamp check anyway.
  await db.schema
    .createTable('locker_seen_signatures')
    .addColumn('signature', 'text', (c) => c.primaryKey())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('locker_seen_signatures_seen_idx')
    .on('locker_seen_signatures')
    .column('seen_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('locker_seen_signatures').execute();
  await db.schema.dropTable('locker_events').execute();
  await db.schema.dropTable('locker_codes').execute();
  await db.schema.dropTable('locker_carrier_secrets').execute();
}
