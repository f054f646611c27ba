import { sql } from 'kysely';
import type { DbExecutor, DbTransaction } from '@ipay/db';
import { domainError } from '../../../errors/domain-codes';
import { toTimestamp } from '../../../platform/time';
import { FINANCE_ERRORS } from '../errors';
import type { Payout, RecordPayoutInput } from '../schemas';

/**
 * Records a PSP payout as the PSP's payout report states it. Idempotent per PSP and payout id: the same
 * figures again answer with the first record, other figures are a conflict (a payout never changes).
 */
export async function recordPayout(
  trx: DbTransaction,
  options: { input: RecordPayoutInput; actorId: string },
): Promise<Payout> {
  const { input } = options;
  const inserted = await trx
    .insertInto('psp_payouts')
    .values({
      ...input,
      net_minor: input.gross_minor - input.fee_minor,
      recorded_by: options.actorId,
    })
    .onConflict((oc) => oc.columns(['psp', 'payout_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  const row = await trx
    .selectFrom('psp_payouts')
    .where('psp', '=', input.psp)
    .where('payout_id', '=', input.payout_id)
    .select([
      'id',
      'psp',
      'payout_id',
      sql<string>`settles_day::text`.as('settles_day'),
      sql<string>`arrival_day::text`.as('arrival_day'),
      'currency',
      'gross_minor',
      'fee_minor',
      'net_minor',
      'recorded_by',
      'created_at',
    ])
    .executeTakeFirstOrThrow();
  const same =
    row.settles_day === input.settles_day &&
    row.arrival_day === input.arrival_day &&
    row.currency === input.currency &&
    row.gross_minor === input.gross_minor &&
    row.fee_minor === input.fee_minor;
  if (!same) {
    throw domainError(
      FINANCE_ERRORS,
      'payout_conflict',
      `Payout ${input.payout_id} was recorded with other figures.`,
    );
  }
  return {
    ...row,
    psp: input.psp,
    created_at: toTimestamp(row.created_at),
    already_recorded: !inserted,
  };
}

/**
 * Per PSP, the latest collection day its recorded payouts settle and when a payout was last recorded, as a
 * composable query (payouts are recorded by operators from the PSPs' reports, see `recordPayout`).
 */
export function lastPayoutByPspQuery(db: DbExecutor) {
  return db
    .selectFrom('psp_payouts')
    .groupBy('psp')
    .select([
      'psp',
      sql<string>`max(settles_day)::text`.as('last_settles_day'),
      sql<Date>`max(created_at)`.as('last_recorded_at'),
    ]);
}
