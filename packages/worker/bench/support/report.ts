import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
