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

export function logDeliveryAttempt(
  trx: DbTransaction,
  table: AttemptTable,
  entry: { deliveryId: string; attemptNumber: number; attempt: DeliveryAttempt },
): Promise<void> {
  return logDeliveryAttempts(trx, table, [entry]);
}

/** Counts the attempt on the delivery and records where it stands: done, given up, or due again at `nextAttemptAt`. */
export function settleDelivery(
  trx: DbTransaction,
  table: DeliveryTable,
  deliveryId: string,
  change: { status: 'succeeded' | 'failed' | 'pending'; attempt: DeliveryAttempt; nextAttemptAt?: Date },
): Promise<void> {
  return settleDeliveries(trx, table, [{ deliveryId, ...change }]);
}

/** logDeliveryAttempt for many deliveries in one statement. */
export async function logDeliveryAttempts(
  trx: DbTransaction,
  table: AttemptTable,
  entries: ReadonlyArray<{ deliveryId: string; attemptNumber: number; attempt: DeliveryAttempt }>,
): Promise<void> {
  if (!entries.length) return;
  await trx
    .insertInto(table)
    .values(
      entries.map(({ deliveryId, attemptNumber, attempt }) => ({
        delivery_id: deliveryId,
        attempt_number: attemptNumber,
        started_at: attempt.startedAt,
        duration_ms: attempt.durationMs,
        status_code: attempt.statusCode,
        error: attempt.error,
        response_body_excerpt: attempt.bodyExcerpt,
      })),
    )
    .execute();
}

/** Where one delivery stands after an attempt; `status: null` counts the attempt and changes nothing else. */
export interface DeliverySettlement {
  deliveryId: string;
  status: 'succeeded' | 'failed' | 'pending' | null;
  attempt: DeliveryAttempt;
  nextAttemptAt?: Date;
}

/** settleDelivery for many deliveries in one statement. */
export async function settleDeliveries(
  trx: DbTransaction,
  table: DeliveryTable,
  settlements: readonly DeliverySettlement[],
): Promise<void> {
  if (!settlements.length) return;
  const column = <T>(pick: (s: DeliverySettlement) => T) => settlements.map(pick);
  await sql`
    update ${sql.table(table)} as d set
      status = coalesce(v.status, d.status),
      attempts = d.attempts + 1,
      next_attempt_at = case when v.status is null then d.next_attempt_at else v.next_attempt_at end,
      last_status_code = case when v.status is null then d.last_status_code else v.status_code end,
      last_error = case when v.status is null then d.last_error else v.error end,
      updated_at = now()
    from unnest(
      ${column((s) => s.deliveryId)}::uuid[],
      ${column((s) => s.status)}::text[],
      ${column((s) => s.nextAttemptAt ?? null)}::timestamptz[],
      ${column((s) => s.attempt.statusCode)}::int[],
      ${column((s) => s.attempt.error)}::text[]
    ) as v(id, status, next_attempt_at, status_code, error)
    where d.id = v.id`.execute(trx);
}
