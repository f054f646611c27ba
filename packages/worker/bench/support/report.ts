import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export interface BenchLine {
  name: string;
  rows: number;
  seconds: number;
  peakRssMiB: number;
  peakHeapMiB: number;
}

function cells(line: BenchLine): string[] {
  return [
    line.name,
    line.rows.toLocaleString('en-US'),
    line.seconds.toFixed(2),
    Math.round(line.rows / line.seconds).toLocaleString('en-US'),
    line.peakRssMiB.toFixed(0),
    line.peakHeapMiB.toFixed(0),
  ];
}

/** A plain-text table: one line per measurement, the same columns for the subject and its baseline. */
export function formatTable(lines: BenchLine[]): string {
  const header = ['', 'rows', 'seconds', 'rows/s', 'peak RSS MiB', 'peak heap MiB'];
  const body = lines.map(cells);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(format)].join('\n');
}

/** Runs a benchmark's main: a failure prints its stack and fails the run, as `pnpm bench` reports it. */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  await main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}

const RESULTS_FOLDER = fileURLToPath(new URL('../../../../bench-results/', import.meta.url));

/**
 * Writes a benchmark's figures to `bench-results/<name>.json` beside the printed table, with when and where they
 * were measured, so one run can be compared with the next (the folder is not committed: figures are the machine's).
 */
export async function writeBenchResults(name: string, figures: Record<string, unknown>): Promise<string> {
  await mkdir(RESULTS_FOLDER, { recursive: true });
  const file = path.join(RESULTS_FOLDER, `${name}.json`);
  const machine = {
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  await writeFile(
    file,
    `${JSON.stringify({ benchmark: name, measuredAt: new Date().toISOString(), machine, figures }, null, 2)}\n`,
  );
  return file;
}

/** The middle value (of an even count, the mean of the two middle ones). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (!sorted.length) return Number.NaN;
  return sorted.length % 2
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A benchmark goal, as measured: the subject beside its ceiling (or its bound), and whether it holds. */
export const GoalResult = z.object({
  goal: z.string(),
  /** The subject's median, with its unit, e.g. "412 req/s" or "p99 38 ms". */
  measured: z.string(),
  /** What it is judged against, measured in the same run (or a fixed bound), e.g. "bare handler 610 req/s". */
  beside: z.string(),
  /** The ratio or figure the target is about, e.g. "67.5%". */
  result: z.string(),
  target: z.string(),
  met: z.boolean(),
});
export type GoalResult = z.infer<typeof GoalResult>;

const StoredGoals = z.object({
  measuredAt: z.iso.datetime(),
  figures: z.object({ goals: z.array(GoalResult).optional() }),
});

/** Pairs run back to back, `runs` times: noise on a shared machine hits both sides of a pair alike. */
export async function runPairs(
  runs: number,
  pair: () => Promise<{ subject: number; ceiling: number }>,
): Promise<{ subject: number[]; ceiling: number[] }> {
  const subject: number[] = [];
  const ceiling: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const measured = await pair();
    subject.push(measured.subject);
    ceiling.push(measured.ceiling);
  }
  return { subject, ceiling };
}

/**
 * A throughput goal: the median of the subject's runs as a share of the median of its ceiling's runs, against
 * the least share the goal allows.
 */
export function ratioGoal(goal: {
  goal: string;
  unit: string;
  ceilingName: string;
  subject: readonly number[];
  ceiling: readonly number[];
  minPercent: number;
}): GoalResult {
  const subject = median(goal.subject);
  const ceiling = median(goal.ceiling);
  const percent = (100 * subject) / ceiling;
  const figure = (value: number) => `${Math.round(value).toLocaleString('en-US')} ${goal.unit}`;
  return {
    goal: goal.goal,
    measured: figure(subject),
    beside: `${goal.ceilingName} ${figure(ceiling)}`,
    result: `${percent.toFixed(1)}%`,
    target: `>= ${goal.minPercent}%`,
    met: percent >= goal.minPercent,
  };
}

/** The goals as a table: what was measured, beside what, the ratio, the target and whether it was met. */
export function formatGoals(goals: readonly GoalResult[]): string {
  const header = ['goal', 'measured', 'beside', 'result', 'target', 'met'];
  const body = goals.map((g) => [g.goal, g.measured, g.beside, g.result, g.target, g.met ? 'yes' : 'NO']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const format = (row: string[]) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(format)].join('\n');
}

/** The goals every benchmark recorded (as `figures.goals`) in results written since `since`, for the run's summary. */
export async function readGoalsSince(since: Date): Promise<GoalResult[]> {
  const names = (await readdir(RESULTS_FOLDER).catch(() => []))
    .filter((name) => name.endsWith('.json'))
    .sort();
  const goals: GoalResult[] = [];
  for (const name of names) {
    const results = StoredGoals.parse(JSON.parse(await readFile(path.join(RESULTS_FOLDER, name), 'utf8')));
    if (new Date(results.measuredAt) < since) continue;
    goals.push(...(results.figures.goals ?? []));
  }
  return goals;
}
