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
