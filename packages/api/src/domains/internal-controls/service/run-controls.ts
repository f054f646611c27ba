import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { CONTROLS } from '../controls';
import { measureControl, statusOf, type ControlClock, type ControlDefinition } from '../controls/define';
import type { ControlStatus } from '../schemas';

/** The UTC day of a moment, YYYY-MM-DD. */
export function dayOf(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

export interface ControlOutcome {
  controlId: string;
  status: ControlStatus;
  metric: number;
  offenders: number;
  evidence: string[];
}

/** Runs one control and judges its metric by its thresholds; stores nothing. */
export async function checkControl(
  db: DbExecutor,
  control: ControlDefinition,
  clock: ControlClock,
): Promise<ControlOutcome> {
  const measure = await measureControl(db, control, clock);
  return { controlId: control.id, status: statusOf(control, measure.metric), ...measure };
}

/**
 * Runs every control (or the given ones) one after another and stores each result as the day's: a second run on
 * the same day replaces the first, so the daily job may be retried. An approval stays with its day and control.
 */
export async function runDailyControls(
  db: DbExecutor,
  options: { now: Date; controls?: readonly ControlDefinition[] },
): Promise<ControlOutcome[]> {
  const clock = { now: options.now };
  const runDate = dayOf(options.now);
  const outcomes: ControlOutcome[] = [];
  for (const control of options.controls ?? CONTROLS) {
    const outcome = await checkControl(db, control, clock);
    outcomes.push(outcome);
    await db
      .insertInto('internal_control_results')
      .values({
        control_id: control.id,
        run_date: runDate,
        status: outcome.status,
        metric: String(outcome.metric),
        evidence: JSON.stringify(outcome.evidence),
        evidence_count: outcome.offenders,
        ran_at: options.now,
      })
      .onConflict((oc) =>
        oc.columns(['control_id', 'run_date']).doUpdateSet({
          status: (eb) => eb.ref('excluded.status'),
          metric: (eb) => eb.ref('excluded.metric'),
          evidence: (eb) => eb.ref('excluded.evidence'),
          evidence_count: (eb) => eb.ref('excluded.evidence_count'),
          ran_at: (eb) => eb.ref('excluded.ran_at'),
        }),
      )
      .execute();
  }
  return outcomes;
}

/** Results are kept for the overview's 30 days and a margin; approvals are kept for ever. */
export async function pruneControlResults(db: DbExecutor, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('internal_control_results')
    .where('run_date', '<', sql<string>`${dayOf(now)}::date - 90`)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('internal_control_approvals as a')
            .select('a.position')
            .whereRef('a.control_id', '=', 'internal_control_results.control_id')
            .whereRef('a.run_date', '=', 'internal_control_results.run_date'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
