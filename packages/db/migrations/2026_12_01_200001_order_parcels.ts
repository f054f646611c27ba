import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The shipment facts carrier invoices are reconciled against: one row per piece (parcel) of an order's
  // shipment, each with the tracking number the carrier bills it under. A multi-piece shipment has several.
  await db.schema
    .createTable('order_parcels')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('order_id', 'uuid', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull().check(sql`position >= 1`))
    // The order's carrier code, copied: a tracking number is unique per carrier, not across carriers.
    .addColumn('carrier_code', 'text', (c) => c.notNull().check(sql`carrier_code ~ '^[A-Z0-9_-]{2,32}$'`))
    // Stored as carriers print them without spaces, upper case, so an invoice's number compares with `=`.
    .addColumn('tracking_number', 'text', (c) => c.notNull().check(sql`tracking_number ~ '^[A-Z0-9]{4,50}$'`))
    .addColumn('ship_date', 'date')
    .addColumn('weight_grams', 'integer', (c) => c.check(sql`weight_grams between 1 and 10000000`))
    .addColumn('length_cm', 'integer', (c) => c.check(sql`length_cm between 1 and 1000`))
    .addColumn('width_cm', 'integer', (c) => c.check(sql`width_cm between 1 and 1000`))
    .addColumn('height_cm', 'integer', (c) => c.check(sql`height_cm between 1 and 1000`))
    .addColumn('source', 'text', (c) =>
      c.notNull().check(sql`source in ('merchant', 'operator', 'carrier', 'shop')`),
    )
    .addColumn('set_by_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('order_parcels_order_position_key', ['order_id', 'position'])
    // Also the index reconciliation looks an invoice line's tracking number up by.
    .addUniqueConstraint('order_parcels_carrier_tracking_key', ['carrier_code', 'tracking_number'])
    .addCheckConstraint(
      'order_parcels_dimensions_check',
      sql`(length_cm is null) = (width_cm is null) and (width_cm is null) = (height_cm is null)`,
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_parcels').execute();
}
