import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import type { BenchDatabase } from './local-postgres';
import { mebibytes, sampleMemory, type MemoryPeak } from './memory';
import type { BenchLine } from './report';

const BulkSettings = z.object({
  BENCH_ROWS: z.coerce.number().int().min(10).max(1_000_000).default(100_000),
  /** Ceiling and upload, back to back, this many times: the figures compare their medians. */
  BENCH_PAIRS: z.coerce.number().int().min(1).max(9).default(3),
});

/**
 * The knobs of an upload benchmark beside `COPY`: rows (first argument or `BENCH_ROWS`) and pairs. Benchmarks
 * are run by hand, outside the platform's config: their knobs are read here.
 */
export function bulkSettings(): z.infer<typeof BulkSettings> {
  return BulkSettings.parse({
    BENCH_ROWS: process.argv[2] ?? process.env.BENCH_ROWS,
    BENCH_PAIRS: process.env.BENCH_PAIRS,
  });
}

export interface Measured {
  seconds: number;
  memory: MemoryPeak;
}

/** Times `work` and samples memory while it runs, from a collected heap when the process allows it. */
export async function measure(work: () => Promise<void>): Promise<Measured> {
  globalThis.gc?.();
  const sampler = sampleMemory();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, memory: sampler.stop() };
}

export function measuredLine(name: string, rows: number, measured: Measured): BenchLine {
  return {
    name,
    rows,
    seconds: measured.seconds,
    peakRssMiB: mebibytes(measured.memory.rssBytes),
    peakHeapMiB: mebibytes(measured.memory.heapUsedBytes),
  };
}

export async function countRows(database: BenchDatabase, query: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`${sql.raw(query)}`.execute(database.db);
  return Number(rows[0]?.n ?? 0);
}

/** The ceiling: a new table of `columns` ("name type"), then `copy` (a `COPY … FROM STDIN`) of the file into it. */
export async function copyFileIntoTable(
  database: BenchDatabase,
  load: { table: string; columns: readonly string[]; copy: string; file: string },
): Promise<void> {
  await sql.raw(`create table ${load.table} (${load.columns.join(', ')})`).execute(database.db);
  const client = await database.pool.connect();
  try {
    await pipeline(createReadStream(load.file), client.query(copyFrom(load.copy)));
  } finally {
    client.release();
  }
}
