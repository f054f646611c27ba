import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // An archived program (active = false) keeps its orders, cards and budget but takes no new orders; a program
  // is never deleted, since orders and budget transactions reference it.
  await db.schema
    .alterTable('benefit_programs')
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('benefit_programs').dropColumn('active').execute();
}
