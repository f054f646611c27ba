import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';

interface MovementRequest {
  from: Date;
  to: Date;
  merchantId?: string;
}

/**
 * The money returns gave back in `[from, to)`, one settlement fact per done return refund at its completion, in
 * the settlement facts' columns (as `refundedMoneyFacts`). A return's card refund is partial, so `payments`
 * never shows it; its wallet credit is a ledger credit from `refunds_payable`. The merchant-funded bonus is
 * charged to the merchant with it, so `returned_minor` is the refund plus its bonus.
 */
export function returnRefundFacts(db: DbExecutor, request: MovementRequest) {
  let query = db
    .selectFrom('return_refunds')
    .innerJoin('return_cases', 'return_cases.id', 'return_refunds.return_id')
    .select([
      sql<string>`return_cases.organization_id`.as('merchant_id'),
      sql<Date>`return_refunds.completed_at`.as('at'),
      'return_refunds.currency',
      sql<number>`0`.as('orders'),
      sql<number>`0::bigint`.as('received_minor'),
      sql<number>`0::bigint`.as('refunded_minor'),
      sql<number>`(return_refunds.amount_minor + return_refunds.bonus_minor)::bigint`.as('returned_minor'),
    ])
    .where('return_refunds.status', '=', 'DONE')
    .where('return_refunds.completed_at', '>=', request.from)
    .where('return_refunds.completed_at', '<', request.to);
  if (request.merchantId) query = query.where('return_cases.organization_id', '=', request.merchantId);
  return query;
}

/** One group of a day's done return refunds for the books: the card part per PSP, wallet credits, bonuses. */
export interface ReturnRefundGroup {
  kind: 'card' | 'wallet_credit' | 'bonus';
  psp: string;
  currency: string;
  amount_minor: number;
  count: number;
}

/**
 * The done return refunds of `[from, to)`, summed per kind, PSP and currency: `card` is what went back
 * through a PSP (`refundPaymentPart`), `wallet_credit` and `bonus` what was credited to wallets.
 */
export async function returnRefundsForBooks(
  db: DbExecutor,
  request: { from: Date | RawBuilder<Date>; to: Date | RawBuilder<Date> },
): Promise<ReturnRefundGroup[]> {
  const result = await sql<ReturnRefundGroup>`
    with done as (
      select method, coalesce(psp, 'wallet') as psp, currency, amount_minor, bonus_minor
      from return_refunds
      where status = 'DONE' and completed_at >= ${request.from} and completed_at < ${request.to}
    ),
    parts as (
      select case when method = 'WALLET_CREDIT' then 'wallet_credit' else 'card' end as kind,
        psp, currency, amount_minor
      from done
      union all
      select 'bonus', psp, currency, bonus_minor from done where bonus_minor > 0
    )
    select kind, psp, currency, sum(amount_minor)::int8 as amount_minor, count(*)::int as count
    from parts where amount_minor > 0
    group by kind, psp, currency
    order by kind, psp, currency`.execute(db);
  return result.rows;
}

/**
 * The wallet ledger transfers returns posted (refund credits and bonuses), as a composable query of ids: a
 * reader of ledger credits that books return refunds from `returnRefundsForBooks` leaves these out.
 */
export function returnLedgerTransferIds(db: DbExecutor) {
  return db
    .selectFrom('return_refunds')
    .select('wallet_transfer_id as transfer_id')
    .where('wallet_transfer_id', 'is not', null)
    .unionAll(
      db
        .selectFrom('return_refunds')
        .select('bonus_transfer_id as transfer_id')
        .where('bonus_transfer_id', 'is not', null),
    );
}
