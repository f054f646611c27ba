import { sql, type RawBuilder } from 'kysely';
import { amsterdamDayStart } from '../../finance/service/day-sources';
import { lastPayoutByPspQuery } from '../../finance/service/payouts';
import { reconciliationDifferencesQuery } from '../../finance/service/reconciliation';
import { accruedByPspDayQuery } from '../../payments/service/money-movements';
import { amsterdamToday, defineControl } from './define';

/**
 * How far back the cash controls look, in Amsterdam days. A difference older than this has been RED (and
 * approved, or not) every day for months; the finance reconciliation still lists it.
 */
export const CASH_LOOKBACK_DAYS = 90;

/** The Amsterdam day `days` before `today`, as SQL text. */
function daysBefore(today: RawBuilder<string>, days: number): RawBuilder<string> {
  return sql<string>`(${today}::date - ${days}::int)::text`;
}

/**
 * What the PSPs collected against the cash they paid out. These two read the money through the finance and
 * payments domains' own query functions, so the control judges exactly the reconciliation finance reads
 * (`GET /api/finance/reconciliation`), rather than a second definition of "accrued" that could drift from it.
 */
export const PSP_CASH_CONTROLS = [
  defineControl({
    id: 'rc.accrued-vs-settled',
    title: 'What the PSPs collected is settled in cash within days',
    category: 'reconciliation',
    owner: 'finance',
    metric:
      'days the oldest PSP day (PSP, collection day, currency) has stayed open with its accrued and settled amounts apart',
    // A PSP pays a collection day out in two to three business days; a long weekend makes five calendar days.
    thresholds: { amber: 5, red: 10 },
    metricIs: 'oldest_days',
    offenders: (clock, db) => {
      const today = amsterdamToday(clock);
      const differences = reconciliationDifferencesQuery(db, {
        from: daysBefore(today, CASH_LOOKBACK_DAYS),
        to: daysBefore(today, 1),
      });
      return sql`
        select d.psp || ' ' || d.day || ' ' || d.currency
                 || ': accrued ' || d.accrued_minor || ', settled ' || d.settled_minor as id,
               ${today}::date - d.day::date as age_days
        from (${differences}) d`;
    },
  }),
  defineControl({
    id: 'psp.payouts-recorded',
    title: 'Every PSP that collected money has a payout recorded within a week',
    category: 'psp_health',
    owner: 'finance',
    metric:
      'days since the oldest PSP owing money (collected after the last day its payouts settle) last had a payout recorded, or since it first collected without one',
    thresholds: { amber: 4, red: 7 },
    metricIs: 'oldest_days',
    offenders: (clock, db) => {
      const today = amsterdamToday(clock);
      const accrued = accruedByPspDayQuery(db, {
        from: amsterdamDayStart(daysBefore(today, CASH_LOOKBACK_DAYS)),
        to: amsterdamDayStart(today),
      });
      // The clock starts at the later of the first collection not yet paid out and the last payout recorded:
      // a PSP paying out older days is still paying; one with nothing owed is not judged at all.
      return sql`
        with owed as (
          select a.psp, a.currency, min(a.day) as since, sum(a.amount_minor)::int8 as amount_minor,
                 (p.last_recorded_at at time zone 'Europe/Amsterdam')::date as last_recorded
          from (${accrued}) a
          left join (${lastPayoutByPspQuery(db)}) p on p.psp = a.psp
          where p.last_settles_day is null or a.day > p.last_settles_day
          group by a.psp, a.currency, p.last_recorded_at
        )
        select psp || ' ' || currency || ': ' || amount_minor || ' collected since ' || since
                 || ', last payout recorded ' || coalesce(last_recorded::text, 'never') as id,
               ${today}::date - greatest(since::date, last_recorded) as age_days
        from owed`;
    },
  }),
];
