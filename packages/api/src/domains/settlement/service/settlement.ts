import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import type { Actor } from '../../auth/service';
import { merchantNames } from '../../auth/service/merchant-names';
import type { DataScope } from '../../rbac/catalogue';
import { SETTLEMENT_ERRORS } from '../errors';
import {
  MAX_SETTLEMENT_DAYS,
  SETTLEMENT_TIME_ZONE,
  type FeeSource,
  type Settlement,
  type SettlementDay,
  type SettlementInput,
} from '../schemas';
import { feeTimeline } from './fee-history';
import { ipayFeesForPeriod, type IpayFeeRow } from './fees';

export interface SettlementRequest {
  actor: Actor;
  scope: DataScope;
  input: SettlementInput;
  platformDefaultFeeMinor: number;
}

/**
 * Whose settlement is asked for. A merchant reads its own (naming another is "not found", as for anything
 * outside its scope); an operator must name one.
 */
export function settlementMerchant(request: Pick<SettlementRequest, 'actor' | 'scope' | 'input'>): string {
  const { organization } = request.input;
  if (request.scope === 'all') {
    if (organization) return organization;
    throw domainError(SETTLEMENT_ERRORS, 'organization_required', 'organization: required for operators.', {
      errors: [{ field: 'organization', message: 'is required for operators' }],
    });
  }
  if (organization && organization !== request.actor.organizationId) {
    throw domainError(SETTLEMENT_ERRORS, 'merchant_not_found', `No merchant has the id ${organization}.`);
  }
  return request.actor.organizationId;
}

/** The period's bounds as instants: Amsterdam midnight of `from`, and of the day after `to`. */
async function periodBounds(db: DbExecutor, input: SettlementInput): Promise<{ start: Date; end: Date }> {
  const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000 + 1;
  if (days < 1) throw AppError.validation('to', 'must not be before from');
  if (days > MAX_SETTLEMENT_DAYS)
    throw AppError.validation('to', `at most ${MAX_SETTLEMENT_DAYS} days after from`);
  const result = await sql<{ start: Date; end: Date }>`
    select (${input.from}::date)::timestamp at time zone ${SETTLEMENT_TIME_ZONE} as start,
      (${input.to}::date + 1)::timestamp at time zone ${SETTLEMENT_TIME_ZONE} as end`.execute(db);
  const [bounds] = result.rows;
  if (!bounds) throw new Error('the period bounds query returned no row');
  return bounds;
}

const sum = (days: SettlementDay[], pick: (day: SettlementDay) => number) =>
  days.reduce((total, day) => total + pick(day), 0);

function dayOf(row: IpayFeeRow): SettlementDay {
  return {
    day: row.day,
    order_count: row.order_count,
    gross_minor: row.gross_minor,
    fee_per_order_minor: row.fee_per_order_minor,
    fee_minor: row.fee_minor,
    refunds_minor: row.refunds_minor,
    returns_minor: row.returns_minor,
    net_minor: row.gross_minor - row.fee_minor - row.refunds_minor,
    fee_source: row.fee_source,
  };
}

const sourceOf = (contractFee: number | null): FeeSource =>
  contractFee === null ? 'platform_default' : 'contract';

/**
 * One merchant's settlement for whole Amsterdam days `from`..`to`: the totals are the sums of the days, so they
 * add up exactly, and each day carries the fee in force when its orders were paid.
 */
export async function getSettlement(db: DbExecutor, request: SettlementRequest): Promise<Settlement> {
  const merchantId = settlementMerchant(request);
  if (!(await merchantNames(db, [merchantId])).has(merchantId)) {
    throw domainError(SETTLEMENT_ERRORS, 'merchant_not_found', `No merchant has the id ${merchantId}.`);
  }
  const { start, end } = await periodBounds(db, request.input);
  const rows = await ipayFeesForPeriod(db, {
    from: start,
    to: end,
    organizationId: merchantId,
    platformDefaultFeeMinor: request.platformDefaultFeeMinor,
  });
  const currencies = [...new Set(rows.map((row) => row.currency))];
  if (currencies.some((currency) => currency !== 'EUR')) {
    throw domainError(
      SETTLEMENT_ERRORS,
      'settlement_currency_mixed',
      `The period holds money in ${currencies.join(', ')}; the IPAY fee and settlement are in EUR.`,
    );
  }
  const timeline = await feeTimeline(db, { merchantId, start, end });
  const feeAt = (fee: number | null) => ({
    fee_per_order_eur: { amount_minor: fee ?? request.platformDefaultFeeMinor, currency: 'EUR' as const },
    fee_source: sourceOf(fee),
  });
  const days = rows.map(dayOf);
  const totals = {
    order_count: sum(days, (day) => day.order_count),
    gross_minor: sum(days, (day) => day.gross_minor),
    fees_minor: sum(days, (day) => day.fee_minor),
    refunds_minor: sum(days, (day) => day.refunds_minor),
    returns_minor: sum(days, (day) => day.returns_minor),
  };
  return {
    organization_id: merchantId,
    from: request.input.from,
    to: request.input.to,
    time_zone: SETTLEMENT_TIME_ZONE,
    currency: 'EUR',
    ...totals,
    net_minor: totals.gross_minor - totals.fees_minor - totals.refunds_minor,
    ...feeAt(timeline.atStart),
    fee_changed_in_period: timeline.changes.length > 0,
    fee_changes: timeline.changes.map((change) => ({
      effective_from: change.effectiveFrom.toISOString(),
      ...feeAt(change.fee),
    })),
    lines: [
      { kind: 'gross', label: 'Gross collected', amount_minor: totals.gross_minor },
      { kind: 'fees', label: 'IPAY fees', amount_minor: -totals.fees_minor },
      { kind: 'refunds', label: 'Refunds', amount_minor: -(totals.refunds_minor - totals.returns_minor) },
      { kind: 'returns', label: 'Returns', amount_minor: -totals.returns_minor },
    ],
    days,
  };
}
