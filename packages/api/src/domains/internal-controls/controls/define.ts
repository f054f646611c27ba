import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import type { ControlCategory, ControlStatus } from '../schemas';
import type { SystemRoleKey } from '../../rbac/service';

/** How many offending ids a result keeps as evidence; the metric still counts them all. */
export const EVIDENCE_LIMIT = 20;

/** The moment a run checks against: `today` is its UTC day. */
export interface ControlClock {
  now: Date;
}

/**
 * One daily control: a set-based SQL query returning one `id` (text) per offending row, and the thresholds its
 * metric is judged by. The metric is the number of offending rows, except for a ratio control, whose query also
 * returns the denominator (`population`), and an age control, whose metric is its oldest offender's age in days
 * (`metricIs: 'oldest_days'`).
 */
export interface ControlDefinition {
  id: string;
  title: string;
  category: ControlCategory;
  /** The system role that owns the control: a holder of it cannot approve the control's RED result. */
  owner: SystemRoleKey;
  metric: string;
  /** The metric at or above which the control is AMBER, and RED. */
  thresholds: { amber: number; red: number };
  /**
   * The offending rows, one `id` text column each (and `age_days` for an age control). `db` is for composing
   * another domain's query functions into it; the control never runs anything itself.
   */
  offenders: (clock: ControlClock, db: DbExecutor) => RawBuilder<{ id: string; age_days?: number }>;
  /** `oldest_days`: the metric is the largest `age_days` among the offenders (0 without any), not their number. */
  metricIs?: 'offenders' | 'oldest_days';
  /** When set, the metric is offenders × 100 / this count (a percentage), 0 when the count is 0. */
  population?: (clock: ControlClock) => RawBuilder<{ n: number }>;
  /** What to add once the settlement and finance tables exist, or another caveat for the catalogue. */
  note?: string;
}

export function defineControl(control: ControlDefinition): ControlDefinition {
  return control;
}

/** A timestamp `hours` before the run's moment, as a SQL parameter. */
export function hoursBefore(clock: ControlClock, hours: number): RawBuilder<Date> {
  return sql<Date>`${clock.now.toISOString()}::timestamptz - make_interval(hours => ${hours})`;
}

/** The run's day in Amsterdam (the day finance books and the PSPs' collection days are counted in), as SQL. */
export function amsterdamToday(clock: ControlClock): RawBuilder<string> {
  return sql<string>`(${clock.now.toISOString()}::timestamptz at time zone 'Europe/Amsterdam')::date::text`;
}

/** The start of the run's UTC day. */
export function startOfDay(clock: ControlClock): RawBuilder<Date> {
  return sql<Date>`date_trunc('day', ${clock.now.toISOString()}::timestamptz at time zone 'UTC') at time zone 'UTC'`;
}

export function statusOf(control: ControlDefinition, metric: number): ControlStatus {
  if (metric >= control.thresholds.red) return 'RED';
  if (metric >= control.thresholds.amber) return 'AMBER';
  return 'GREEN';
}

export interface ControlMeasure {
  metric: number;
  offenders: number;
  evidence: string[];
}

/** The oldest offender's age for an age control, the share of the population for a ratio one, else the count. */
function metricOf(offenders: number, oldest: number | null, population: number | null): number {
  if (oldest !== null) return oldest;
  if (population === null) return offenders;
  if (population === 0) return 0;
  return Math.round((offenders * 10000) / population) / 100;
}

/** Runs one control's query: the count of offenders and the first ones' ids, in one statement. */
export async function measureControl(
  db: DbExecutor,
  control: ControlDefinition,
  clock: ControlClock,
): Promise<ControlMeasure> {
  const { rows } = await sql<{
    n: string;
    oldest: string | null;
    evidence: string[];
    population: string | null;
  }>`
    with offenders as materialized (${control.offenders(clock, db)})
    select (select count(*) from offenders) as n,
           ${control.metricIs === 'oldest_days' ? sql`(select coalesce(max(age_days), 0) from offenders)` : sql`null`} as oldest,
           array(select id::text from offenders order by id limit ${EVIDENCE_LIMIT}) as evidence,
           ${control.population ? sql`(${control.population(clock)})` : sql`null`} as population`.execute(db);
  const row = rows[0];
  const offenders = Number(row?.n ?? 0);
  const numberOrNull = (value: string | null | undefined) =>
    value === null || value === undefined ? null : Number(value);
  const metric = metricOf(offenders, numberOrNull(row?.oldest), numberOrNull(row?.population));
  return { metric, offenders, evidence: row?.evidence ?? [] };
}
