import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One row whose stamp changes with every statement that writes a tariff table, so an API process reads one
  // value to know whether what it holds of the tariffs in force is still current. The stamp comes from a
  // sequence, never from a count: a rolled-back transaction's stamp is never handed out again, so a cache
  // filled inside that transaction can never be mistaken for a committed state.
  await db.schema
    .createTable('tariff_stamp')
    .addColumn('singleton', 'boolean', (c) =>
      c
        .primaryKey()
        .defaultTo(true)
        .check(sql`singleton`),
    )
    .addColumn('stamp', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create sequence tariff_stamp_seq`.execute(db);
  await sql`insert into tariff_stamp (stamp) values (nextval('tariff_stamp_seq'))`.execute(db);
  await sql`create function bump_tariff_stamp() returns trigger language plpgsql as $$
    begin
      update tariff_stamp set stamp = nextval('tariff_stamp_seq');
      return null;
    end $$`.execute(db);
  // Before each statement, carriers and services included: a transaction that writes tariffs takes the stamp
  // row's lock before any tariff row's, so two imports wait for each other there and never deadlock.
  for (const table of ['tariff_carriers', 'tariff_services', 'tariff_versions', 'tariff_fuel_surcharges']) {
    await sql`create trigger ${sql.raw(`${table}_stamp`)} before insert or update or delete or truncate
      on ${sql.table(table)} for each statement execute function bump_tariff_stamp()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['tariff_carriers', 'tariff_services', 'tariff_versions', 'tariff_fuel_surcharges']) {
    await sql`drop trigger ${sql.raw(`${table}_stamp`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`drop function bump_tariff_stamp()`.execute(db);
  await sql`drop sequence tariff_stamp_seq`.execute(db);
  await db.schema.dropTable('tariff_stamp').execute();
}
