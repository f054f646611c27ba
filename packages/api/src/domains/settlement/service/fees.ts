import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { receivedMoneyFacts, refundedMoneyFacts } from '../../payments/service/money-movements';
import { paidSessionFacts } from '../../payment-sessions/service/paid-sessions';
import { returnRefundFacts } from '../../returns/service/refund-money';
import { SETTLEMENT_TIME_ZONE, type FeeSource } from '../schemas';

/**
 * One merchant's settlement for one Amsterdam day and one fee: a day on which the fee changed has one row per
 * fee. `fee_minor = order_count × fee_per_order_minor`; `refunds_minor` is positive, refunds and returns together
 * (`returns_minor` is the returns' part of it).
 */
export interface IpayFeeRow {
  organization_id: string;
  day: string;
  order_count: number;
  gross_minor: number;
  fee_per_order_minor: number;
  fee_minor: number;
  refunds_minor: number;
  returns_minor: number;
  currency: string;
  fee_source: FeeSource;
}

export interface IpayFeesRequest {
  /** Inclusive start instant; pass an Amsterdam midnight to get whole days. */
  from: Date;
  /** Exclusive end instant. */
  to: Date;
  /** One merchant; all merchants when absent. */
  organizationId?: string;
  /**
   * `config.settlement.defaultFeePerOrderMinor` (`IPAY_DEFAULT_FEE_PER_ORDER_MINOR`). Required: a built-in
   * fallback once let a caller charge the wrong default without noticing.
   */
  platformDefaultFeeMinor: number;
}

/**
 * IPAY's fees per merchant and Amsterdam day in `[from, to)`, computed in one query. Each fact (an order paid,
 * money received, money refunded, a return refunded) takes the fee in force at its own time: the latest fee-history row whose
 * `effective_from` is not after it, or the platform default when there is none or it has no fee. Orders count
 * on the day their session was paid, money on the day it moved.
 */
export async function ipayFeesForPeriod(db: DbExecutor, request: IpayFeesRequest): Promise<IpayFeeRow[]> {
  const scope = { from: request.from, to: request.to, merchantId: request.organizationId };
  const defaultFee = request.platformDefaultFeeMinor;
  const feeHistoryFilter = request.organizationId
    ? sql`where organization_id = ${request.organizationId}`
    : sql``;
  const result = await sql<IpayFeeRow>`
    with facts as (
      ${paidSessionFacts(db, scope)}
      union all ${receivedMoneyFacts(db, scope)}
      union all ${refundedMoneyFacts(db, scope)}
      union all ${returnRefundFacts(db, scope)}
    ),
    fee_periods as (
      select organization_id, fee_per_order_minor, effective_from,
        lead(effective_from) over (partition by organization_id order by effective_from, id) as effective_to
      from merchant_fee_changes ${feeHistoryFilter}
    ),
    priced as (
      select f.*, p.fee_per_order_minor as contract_fee,
        (f.at at time zone ${SETTLEMENT_TIME_ZONE})::date as local_day
      from facts f
      left join fee_periods p on p.organization_id = f.merchant_id
        and f.at >= p.effective_from and (p.effective_to is null or f.at < p.effective_to)
    )
    select merchant_id as organization_id,
      to_char(local_day, 'YYYY-MM-DD') as day,
      sum(orders)::int as order_count,
      sum(received_minor)::bigint as gross_minor,
      coalesce(contract_fee, ${defaultFee}::bigint) as fee_per_order_minor,
      (sum(orders) * coalesce(contract_fee, ${defaultFee}::bigint))::bigint as fee_minor,
      sum(refunded_minor + returned_minor)::bigint as refunds_minor,
      sum(returned_minor)::bigint as returns_minor,
      currency,
      case when contract_fee is null then 'platform_default' else 'contract' end as fee_source
    from priced
    group by merchant_id, local_day, currency, contract_fee
    order by merchant_id, local_day, min(at), currency
  `.execute(db);
  return result.rows;
}
