import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A rotated program secret keeps signing beside the new one for a while, so the sponsor's receiver can
  // switch without rejecting a delivery in between (as merchant webhook endpoints do).
  await db.schema
    .alterTable('benefit_programs')
    .addColumn('previous_webhook_secret_encrypted', 'text')
    .addColumn('previous_webhook_secret_expires_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('benefit_programs')
    .dropColumn('previous_webhook_secret_encrypted')
    .dropColumn('previous_webhook_secret_expires_at')
    .execute();
}
