import { sql, type Kysely } from 'kysely';

/**
 * Return refunds are read by when they completed: the settlement per merchant and period, and the finance batch
 * per Amsterdam day. Without an index both read every return refund ever made. Partial on `DONE`, the only
 * status either reads (a pending refund has no completion time).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index return_refunds_completed_idx on return_refunds (completed_at)
    where status = 'DONE'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index return_refunds_completed_idx`.execute(db);
}
