import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import type { Reconciliation, ReconciliationInput } from '../schemas';
import { accruedByPspDay } from '../../payments/service/money-movements';
import { amsterdamDayStart } from './day-sources';

const MAX_DAYS = 366;

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
  const settled = await db
    .selectFrom('psp_payouts')
    .where('settles_day', '>=', input.from)
    .where('settles_day', '<=', input.to)
    .groupBy(['psp', 'settles_day', 'currency'])
    .select([
      'psp',
      sql<string>`settles_day::text`.as('day'),
      'currency',
      sql<number>`sum(gross_minor)::int8`.as('amount_minor'),
    ])
    .execute();
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
