import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A tariff carrier is keyed by the carrier code orders carry (`orders.carrier_code`) and partners deliver for
  // (`partner_carrier_codes`): same format, no foreign key either way, because a carrier can have tariffs before
  // any partner delivers for it and a partner's code needs no tariff.
  await db.schema
    .createTable('tariff_carriers')
    .addColumn('code', 'text', (c) => c.primaryKey().check(sql`code ~ '^[A-Z0-9_-]{2,32}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('tariff_services')
    .addColumn('carrier_code', 'text', (c) => c.notNull().references('tariff_carriers.code'))
    .addColumn('code', 'text', (c) => c.notNull().check(sql`code ~ '^[A-Z0-9_-]{1,32}$'`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tariff_services_pkey', ['carrier_code', 'code'])
    .execute();

  // A version is immutable: the engine caches it by id, and a reconciliation computed against it must be
  // recomputable. A correction is a new version; the newest `created_at` wins among equal `effective_from`s.
  // The zone map, weight breaks, surcharges and remote areas are one document (`body`), read whole.
  await db.schema
    .createTable('tariff_versions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('service_code', 'text', (c) => c.notNull())
    .addColumn('origin_country', 'text', (c) => c.notNull().check(sql`origin_country ~ '^[A-Z]{2}$'`))
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('volumetric_divisor', 'integer', (c) => c.notNull().check(sql`volumetric_divisor > 0`))
    .addColumn('weight_step_grams', 'integer', (c) => c.notNull().check(sql`weight_step_grams > 0`))
    .addColumn('body', 'jsonb', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('layout', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .addForeignKeyConstraint(
      'tariff_versions_service_fkey',
      ['carrier_code', 'service_code'],
      'tariff_services',
      ['carrier_code', 'code'],
    )
    .execute();
  // The versions in force for an origin on a date: DISTINCT ON (carrier, service) in this order.
  await sql`create index tariff_versions_in_force_idx on tariff_versions
    (origin_country, carrier_code, service_code, effective_from desc, created_at desc)`.execute(db);
  await sql`create function tariff_versions_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'tariff versions are never edited in place: import a new version';
    end $$`.execute(db);
  await sql`create trigger tariff_versions_immutable before update on tariff_versions
    for each row execute function tariff_versions_immutable()`.execute(db);

  // Fuel surcharge history per carrier: rows are only added; the newest effective_from on or before the ship
  // date applies (then the newest created_at).
  await db.schema
    .createTable('tariff_fuel_surcharges')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('carrier_code', 'text', (c) => c.notNull().references('tariff_carriers.code'))
    .addColumn('published_percent', sql`numeric(9,4)`, (c) =>
      c.notNull().check(sql`published_percent >= 0 and published_percent <= 100`),
    )
    .addColumn('discount_percent', sql`numeric(9,4)`, (c) =>
      c.notNull().check(sql`discount_percent >= 0 and discount_percent <= 100`),
    )
    .addColumn('discount_mode', 'text', (c) =>
      c.notNull().check(sql`discount_mode in ('of_surcharge', 'points')`),
    )
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await sql`create index tariff_fuel_surcharges_in_force_idx on tariff_fuel_surcharges
    (carrier_code, effective_from desc, created_at desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tariff_fuel_surcharges').execute();
  await db.schema.dropTable('tariff_versions').execute();
  await sql`drop function tariff_versions_immutable()`.execute(db);
  await db.schema.dropTable('tariff_services').execute();
  await db.schema.dropTable('tariff_carriers').execute();
}
