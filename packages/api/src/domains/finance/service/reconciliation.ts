import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { Reconciliation, ReconciliationInput } from '../schemas';
import { accruedByPspDay, accruedByPspDayQuery } from '../../payments/service/money-movements';
import { amsterdamDayStart } from './day-sources';

const MAX_DAYS = 366;

/** A collection day: YYYY-MM-DD, or a SQL expression of one (such as a control's "today"). */
type DayBound = string | RawBuilder<string>;

/** The gross of the PSP payouts per PSP, the collection day they settle (YYYY-MM-DD text) and currency, days in `[from, to]`. */
export function settledByPspDayQuery(db: DbExecutor, request: { from: DayBound; to: DayBound }) {
  return db
    .selectFrom('psp_payouts')
    .where('settles_day', '>=', sql<string>`${request.from}::date`)
    .where('settles_day', '<=', sql<string>`${request.to}::date`)
    .groupBy(['psp', 'settles_day', 'currency'])
    .select([
      'psp',
      sql<string>`settles_day::text`.as('day'),
      'currency',
      sql<number>`sum(gross_minor)::int8`.as('amount_minor'),
    ]);
}

export interface ReconciliationDifference {
  psp: string;
  day: string;
  currency: string;
  accrued_minor: number;
  /** 0 when no payout settles the day. */
  settled_minor: number;
}

/**
 * The PSP days of `[from, to]` whose accrued and settled amounts differ (what `reconcile` lists as differences),
 * as one composable query, for readers that join it in SQL such as the daily controls.
 */
export function reconciliationDifferencesQuery(
  db: DbExecutor,
  request: { from: DayBound; to: DayBound },
): RawBuilder<ReconciliationDifference> {
  const accrued = accruedByPspDayQuery(db, {
    from: amsterdamDayStart(request.from),
    to: amsterdamDayStart(request.to, 1),
  });
  const settled = settledByPspDayQuery(db, request);
  return sql<ReconciliationDifference>`
    select coalesce(a.psp, s.psp) as psp, coalesce(a.day, s.day) as day, coalesce(a.currency, s.currency) as currency,
           coalesce(a.amount_minor, 0)::int8 as accrued_minor, coalesce(s.amount_minor, 0)::int8 as settled_minor
    from (${accrued}) a
    full join (${settled}) s on s.psp = a.psp and s.day = a.day and s.currency = a.currency
    where coalesce(a.amount_minor, 0) <> coalesce(s.amount_minor, 0)`;
}

type Row = Reconciliation['rows'][number];

function statusOf(accrued: number, settled: number, hasPayout: boolean): Row['status'] {
  if (!hasPayout) return 'unsettled';
  if (settled === accrued) return 'matched';
  return settled < accrued ? 'short' : 'over';
}

/**
 * Accrued against settled, per PSP, Amsterdam day and currency. Accrued: what PSPs collected for sessions
 * that are paid, released or delivered (refunded and cancelled ones owe nothing). Settled: the gross of the
 * payouts the PSPs reported for that collection day. Wallet and simulated payments never reach a PSP payout.
 */
export async function reconcile(db: DbExecutor, input: ReconciliationInput): Promise<Reconciliation> {
  const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000;
  if (days < 0) throw AppError.validation('to', 'must not be before from', 'too_small');
  if (days >= MAX_DAYS) throw AppError.validation('to', `must be within ${MAX_DAYS} days of from`, 'too_big');
  const accrued = await accruedByPspDay(db, {
    from: amsterdamDayStart(input.from),
    to: amsterdamDayStart(input.to, 1),
  });
  const settled = await settledByPspDayQuery(db, input).execute();
  const rows = new Map<
    string,
    { psp: string; day: string; currency: string; accrued: number; settled: number | null }
  >();
  const keyOf = (r: { psp: string; day: string; currency: string }) => `${r.psp}|${r.day}|${r.currency}`;
  for (const r of accrued) rows.set(keyOf(r), { ...r, accrued: r.amount_minor, settled: null });
  for (const r of settled) {
    const row = rows.get(keyOf(r)) ?? { ...r, accrued: 0, settled: null };
    row.settled = r.amount_minor;
    rows.set(keyOf(r), row);
  }
  const out: Row[] = [...rows.values()]
    .sort(
      (a, b) =>
        a.day.localeCompare(b.day) || a.psp.localeCompare(b.psp) || a.currency.localeCompare(b.currency),
    )
    .map((r) => {
      const settledMinor = r.settled ?? 0;
      return {
        psp: r.psp,
        day: r.day,
        currency: r.currency,
        accrued_minor: r.accrued,
        settled_minor: settledMinor,
        difference_minor: settledMinor - r.accrued,
        status: statusOf(r.accrued, settledMinor, r.settled !== null),
      };
    });
  return {
    from: input.from,
    to: input.to,
    rows: out,
    differences: out.filter((r) => r.status !== 'matched'),
  };
}
