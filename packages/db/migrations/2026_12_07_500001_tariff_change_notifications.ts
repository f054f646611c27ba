import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // API processes hold the tariff stamp instead of reading it on every cost preview. A transaction that writes a
  // tariff table announces itself on `ipay_tariff_changes` when it commits (PostgreSQL sends a repeated payload
  // once per transaction, and nothing for a rolled-back one); each process then reads the stamp again.
  await sql`create or replace function bump_tariff_stamp() returns trigger language plpgsql as $$
    begin
      update tariff_stamp set stamp = nextval('tariff_stamp_seq');
      perform pg_notify('ipay_tariff_changes', '');
      return null;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function bump_tariff_stamp() returns trigger language plpgsql as $$
    begin
      update tariff_stamp set stamp = nextval('tariff_stamp_seq');
      return null;
    end $$`.execute(db);
}
