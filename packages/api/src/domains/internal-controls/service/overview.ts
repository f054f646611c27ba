import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { CONTROLS } from '../controls';
import type { ControlResult, ControlStatus, Overview } from '../schemas';
import { APPROVAL_COLUMNS, approvalRowToApproval } from './approvals';
import { dayOf } from './run-controls';

/** One day's results of every control, with their approvals, in catalogue order; controls not run are left out. */
export async function resultsOfDay(db: DbExecutor, runDate: string): Promise<ControlResult[]> {
  const rows = await db
    .selectFrom('internal_control_results')
    .selectAll()
    .where('run_date', '=', runDate)
    .execute();
  const approvals = await db
    .selectFrom('internal_control_approvals')
    .select(APPROVAL_COLUMNS)
    .where('run_date', '=', runDate)
    .execute();
  const byControl = new Map(rows.map((row) => [row.control_id, row]));
  const approvalOf = new Map(approvals.map((row) => [row.control_id, approvalRowToApproval(row)]));
  return CONTROLS.flatMap((control) => {
    const row = byControl.get(control.id);
    if (!row) return [];
    return [
      {
        controlId: control.id,
        title: control.title,
        category: control.category,
        owner: control.owner,
        metricDescription: control.metric,
        thresholds: control.thresholds,
        status: row.status,
        metric: Number(row.metric),
        offenders: row.evidence_count,
        evidence: row.evidence as string[],
        ranAt: row.ran_at.toISOString(),
        approval: approvalOf.get(control.id) ?? null,
      },
    ];
  });
}

function countsOf(statuses: readonly ControlStatus[]) {
  return {
    GREEN: statuses.filter((s) => s === 'GREEN').length,
    AMBER: statuses.filter((s) => s === 'AMBER').length,
    RED: statuses.filter((s) => s === 'RED').length,
  };
}

/** Today's results in full and, per day of the last 30, the counts and the RED results not approved. */
export async function getOverview(db: DbExecutor, now: Date): Promise<Overview> {
  const today = dayOf(now);
  const controls = await resultsOfDay(db, today);
  const days = await db
    .selectFrom('internal_control_results as r')
    .leftJoin('internal_control_approvals as a', (join) =>
      join.onRef('a.control_id', '=', 'r.control_id').onRef('a.run_date', '=', 'r.run_date'),
    )
    .select((eb) => [
      sql<string>`r.run_date::text`.as('run_date'),
      sql<number>`count(*) filter (where r.status = 'GREEN')::int`.as('green'),
      sql<number>`count(*) filter (where r.status = 'AMBER')::int`.as('amber'),
      sql<number>`count(*) filter (where r.status = 'RED')::int`.as('red'),
      sql<number>`count(*) filter (where r.status = 'RED' and a.position is null)::int`.as('unapproved'),
      eb.fn.max('r.ran_at').as('ran_at'),
    ])
    .where('r.run_date', '>', sql<string>`${today}::date - 30`)
    .where('r.run_date', '<=', today)
    .groupBy('r.run_date')
    .orderBy('r.run_date', 'desc')
    .execute();
  const todayRow = days.find((day) => day.run_date === today);
  return {
    today: {
      date: today,
      ranAt: todayRow ? new Date(todayRow.ran_at).toISOString() : null,
      counts: countsOf(controls.map((c) => c.status)),
      controls,
    },
    last30Days: days.map((day) => ({
      date: day.run_date,
      counts: { GREEN: day.green, AMBER: day.amber, RED: day.red },
      unapprovedRed: day.unapproved,
    })),
  };
}
