import { sql } from 'kysely';
import type { DbTransaction } from '@ipay/db';

/** Merchant webhook deliveries and benefit-card deliveries keep the same books, in tables of their own. */
type DeliveryTable = 'webhook_deliveries' | 'benefit_card_deliveries';
type AttemptTable = 'webhook_delivery_attempts' | 'benefit_card_delivery_attempts';

/** One attempt as it went, in the columns both attempt logs share. */
export interface DeliveryAttempt {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  bodyExcerpt: string | null;
}

export async function logDeliveryAttempt(
  trx: DbTransaction,
  table: AttemptTable,
  entry: { deliveryId: string; attemptNumber: number; attempt: DeliveryAttempt },
): Promise<void> {
  const { attempt } = entry;
  await trx
    .insertInto(table)
    .values({
      delivery_id: entry.deliveryId,
      attempt_number: entry.attemptNumber,
      started_at: attempt.startedAt,
      duration_ms: attempt.durationMs,
      status_code: attempt.statusCode,
      error: attempt.error,
      response_body_excerpt: attempt.bodyExcerpt,
    })
    .execute();
}

/** Counts the attempt on the delivery and records where it stands: done, given up, or due again at `nextAttemptAt`. */
export async function settleDelivery(
  trx: DbTransaction,
  table: DeliveryTable,
  deliveryId: string,
  change: { status: 'succeeded' | 'failed' | 'pending'; attempt: DeliveryAttempt; nextAttemptAt?: Date },
): Promise<void> {
  await trx
    .updateTable(table)
    .set({
      status: change.status,
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: change.nextAttemptAt ?? null,
      last_status_code: change.attempt.statusCode,
      last_error: change.attempt.error,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', deliveryId)
    .execute();
}
