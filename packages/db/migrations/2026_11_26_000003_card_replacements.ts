import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A card whose link was lost or exposed before the member activated it is replaced by a new card with a new
  // code; the new one points back at the one it replaces, so the trail stays readable.
  await db.schema
    .alterTable('benefit_cards')
    .addColumn('replaces_card_id', 'uuid', (c) => c.references('benefit_cards.id').unique())
    .execute();
  // The inline check of the first migration got a generated name: find it by what it checks.
  await sql`
    do $$
    declare name text;
    begin
      select conname into strict name from pg_constraint
        where conrelid = 'benefit_card_events'::regclass and contype = 'c'
          and pg_get_constraintdef(oid) like '%''resent''%';
      execute format('alter table benefit_card_events drop constraint %I', name);
    end $$`.execute(db);
  await sql`
    alter table benefit_card_events add constraint benefit_card_events_type_check
      check (type in ('issued', 'delivered', 'delivery_failed', 'activated', 'resent', 'deactivated',
                      'cancelled', 'replaced'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table benefit_card_events drop constraint benefit_card_events_type_check`.execute(db);
  await sql`
    alter table benefit_card_events add constraint benefit_card_events_type_check
      check (type in ('issued', 'delivered', 'delivery_failed', 'activated', 'resent', 'deactivated',
                      'cancelled'))`.execute(db);
  await db.schema.alterTable('benefit_cards').dropColumn('replaces_card_id').execute();
}
