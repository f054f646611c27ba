import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Shops grant vouchers and promotions on the whole order; the amount collected at the door is the
  // discounted one, so the discount is part of the order and of its total.
  await db.schema
    .alterTable('orders')
    .addColumn('discount_minor', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`discount_minor >= 0`),
    )
    .execute();
  // The inline check of the first migration got a generated name: find it by what it checks.
  await sql`
    do $$
    declare name text;
    begin
      select conname into strict name from pg_constraint
        where conrelid = 'orders'::regclass and contype = 'c'
          and pg_get_constraintdef(oid) like '%total_minor = (items_total_minor + shipping_minor)%';
      execute format('alter table orders drop constraint %I', name);
    end $$`.execute(db);
  await sql`
    alter table orders add constraint orders_total_minor_check
      check (total_minor = items_total_minor + shipping_minor - discount_minor and total_minor >= 0)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table orders drop constraint orders_total_minor_check`.execute(db);
  await db.schema.alterTable('orders').dropColumn('discount_minor').execute();
  await sql`
    alter table orders add constraint orders_total_minor_check
      check (total_minor = items_total_minor + shipping_minor)`.execute(db);
}
