import type { Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The SHA-256 of the cookie the latest browser to press Pay on the pay page holds: once the session is paid,
  // only that browser is shown the door code. Null until a browser presses Pay.
  await db.schema.alterTable('payment_sessions').addColumn('payer_attempt_hash', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payment_sessions').dropColumn('payer_attempt_hash').execute();
}
