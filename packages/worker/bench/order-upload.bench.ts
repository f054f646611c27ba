/**
 * Bulk order upload, end to end, against PostgreSQL's own bulk load as the ceiling.
 *
 * The upload goes the way a merchant's does: a CSV with the sample file's columns, streamed from disk over real
 * HTTP to POST /api/orders/upload (parsed, validated, rows parked, 202), then imported by the worker's own
 * `orders.process-upload` handler. The ceiling is `COPY … FROM STDIN` of the same file into a table with the
 * same columns: no validation, no grouping, no orders, events or jobs, one statement.
 */
import { createReadStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import pino from 'pino';
import { from as copyFrom } from 'pg-copy-streams';
import { z } from 'zod';
import { runDueJobsOnce } from '../src/runner';
import { startBenchPlatform, type BenchPlatform } from './support/bench-platform';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import { mebibytes, sampleMemory, type MemoryPeak } from './support/memory';
import { writeOrdersCsv } from './support/orders-csv';
import { formatTable, runBenchmark, writeBenchResults, type BenchLine } from './support/report';

const Settings = z.object({
  BENCH_ROWS: z.coerce.number().int().min(10).max(1_000_000).default(100_000),
});
// Benchmarks are run by hand, outside the platform's config: their one knob is read here.
const settings = Settings.parse({ BENCH_ROWS: process.argv[2] ?? process.env.BENCH_ROWS });

const UploadAnswer = z.object({ upload: z.object({ id: z.uuid(), status: z.string() }) });
const UploadState = z.object({
  status: z.string(),
  rows_processed: z.number(),
  created_count: z.number(),
  rejected_count: z.number(),
  error: z.string().nullable(),
});

const NUMERIC_COLUMNS = new Set([
  'quantity',
  'unit_price_minor',
  'shipping_minor',
  'weight_grams',
  'length_mm',
  'width_mm',
  'height_mm',
]);

interface Measured {
  seconds: number;
  memory: MemoryPeak;
}

/** Times `work` and samples memory while it runs, from a collected heap when the process allows it. */
async function measure(work: () => Promise<void>): Promise<Measured> {
  globalThis.gc?.();
  const sampler = sampleMemory();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, memory: sampler.stop() };
}

function line(name: string, rows: number, measured: Measured): BenchLine {
  return {
    name,
    rows,
    seconds: measured.seconds,
    peakRssMiB: mebibytes(measured.memory.rssBytes),
    peakHeapMiB: mebibytes(measured.memory.heapUsedBytes),
  };
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

async function registerMerchant(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationName: 'Benchmark Shop BV',
      name: 'Bench Admin',
      email: 'bench@example.test',
      password: 'a long benchmark password',
    }),
  });
  return z.object({ token: z.string() }).parse(await json(response)).token;
}

/** The columns a merchant gets from GET /api/orders/sample.csv: the file is written with exactly those. */
async function sampleHeaders(baseUrl: string, token: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/api/orders/sample.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const first = (await response.text()).split(/\r?\n/)[0] ?? '';
  // The template quotes every text field; the column names hold no comma or quote of their own.
  return first.split(',').map((header) => header.replace(/^"|"$/g, ''));
}

async function postUpload(baseUrl: string, token: string, file: string): Promise<string> {
  const form = new FormData();
  // A file-backed Blob: fetch streams it from disk instead of holding the file in this process.
  form.append('file', await openAsBlob(file, { type: 'text/csv' }), path.basename(file));
  const response = await fetch(`${baseUrl}/api/orders/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (response.status !== 202) throw new Error(`expected 202 (queued), got ${response.status}`);
  return UploadAnswer.parse(await json(response)).upload.id;
}

async function uploadState(baseUrl: string, token: string, id: string) {
  const response = await fetch(`${baseUrl}/api/orders/uploads/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return UploadState.parse(await json(response));
}

async function copyIntoTable(database: BenchDatabase, headers: string[], file: string): Promise<void> {
  const columns = headers.map((h) => {
    const type = NUMERIC_COLUMNS.has(h) ? 'bigint' : h === 'ipay_flag' ? 'boolean' : 'text';
    return `${h} ${type}`;
  });
  await sql.raw(`create table bench_copy_order_lines (${columns.join(', ')})`).execute(database.db);
  const client = await database.pool.connect();
  try {
    const copy = client.query(
      copyFrom(
        `copy bench_copy_order_lines (${headers.join(', ')}) from stdin with (format csv, header true)`,
      ),
    );
    await pipeline(createReadStream(file), copy);
  } finally {
    client.release();
  }
}

async function countRows(database: BenchDatabase, query: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`${sql.raw(query)}`.execute(database.db);
  return Number(rows[0]?.n ?? 0);
}

async function main(): Promise<void> {
  const rows = settings.BENCH_ROWS;
  const folder = await mkdtemp(path.join(tmpdir(), 'ipay-bench-upload-'));
  const file = path.join(folder, 'orders.csv');
  let database: BenchDatabase | undefined;
  let platform: BenchPlatform | undefined;
  try {
    process.stdout.write(`order upload benchmark: ${rows.toLocaleString('en-US')} rows\n`);
    const db = await startBenchDatabase();
    database = db;
    platform = await startBenchPlatform(db, {
      ORDER_UPLOAD_MAX_ROWS: String(rows),
      ORDER_UPLOAD_MAX_BYTES: String(Math.max(20 * 1_048_576, rows * 400)),
    });
    const { baseUrl } = platform;
    const token = await registerMerchant(baseUrl);
    const headers = await sampleHeaders(baseUrl, token);
    const orders = await writeOrdersCsv(file, headers, rows);
    const { size } = await stat(file);
    process.stdout.write(
      `file: ${orders.toLocaleString('en-US')} orders, ${mebibytes(size).toFixed(1)} MiB, ${headers.length} columns\n`,
    );
    // COPY first: RSS rarely shrinks once grown, so the upload's peak would otherwise inflate the ceiling's.
    const copy = await measure(() => copyIntoTable(db, headers, file));
    const copied = await countRows(db, 'select count(*) as n from bench_copy_order_lines');
    if (copied !== rows) throw new Error(`COPY loaded ${copied} rows, expected ${rows}`);
    const idleRss = process.memoryUsage().rss;

    let uploadId = '';
    const http = await measure(async () => {
      uploadId = await postUpload(baseUrl, token, file);
    });
    const deps = platform.deps;
    const job = await measure(() =>
      runDueJobsOnce({
        db: db.db,
        pool: db.pool,
        logger: pino({ level: 'silent' }),
        config: deps.config,
        encryptionKey: deps.encryptionKey,
        tasks: ['orders.process-upload'],
      }),
    );
    const state = await uploadState(baseUrl, token, uploadId);
    if (state.status !== 'completed' || state.created_count !== orders || state.rejected_count !== 0) {
      throw new Error(`the upload did not import every order: ${JSON.stringify(state)}`);
    }
    const dispatchQueued = await countRows(
      db,
      `select count(*) as n from graphile_worker.jobs where task_identifier = 'events.dispatch'`,
    );

    const total: Measured = {
      seconds: http.seconds + job.seconds,
      memory: {
        rssBytes: Math.max(http.memory.rssBytes, job.memory.rssBytes),
        heapUsedBytes: Math.max(http.memory.heapUsedBytes, job.memory.heapUsedBytes),
      },
    };
    const upload = line('upload, end to end (HTTP + job)', rows, total);
    const ceiling = line('COPY FROM STDIN (ceiling)', rows, copy);
    process.stdout.write(
      [
        '',
        formatTable([
          line('  HTTP POST to 202 (parse, park rows)', rows, http),
          line('  job orders.process-upload', rows, job),
          upload,
          ceiling,
        ]),
        '',
        `ratio: COPY loads ${(upload.seconds / ceiling.seconds).toFixed(1)}x faster; the upload runs at ` +
          `${((100 * ceiling.seconds) / upload.seconds).toFixed(1)}% of the ceiling`,
        `memory: this one process holds the API, the worker and the HTTP client; its RSS before the upload was ` +
          `${mebibytes(idleRss).toFixed(0)} MiB`,
        `left queued (not timed): ${dispatchQueued.toLocaleString('en-US')} events.dispatch jobs (one per domain event, nearly all order.created)`,
        '',
      ].join('\n'),
    );
    const results = await writeBenchResults('order-upload', {
      rows,
      upload,
      ceiling,
      percentOfCeiling: (100 * ceiling.seconds) / upload.seconds,
      idleRssMiB: mebibytes(idleRss),
      eventsDispatchLeftQueued: dispatchQueued,
    });
    process.stdout.write(`figures: ${results}\n`);
  } finally {
    await platform?.close();
    await database?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

await runBenchmark(main);
