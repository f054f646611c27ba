/**
 * Bulk order upload, end to end, against PostgreSQL's own bulk load as the ceiling (issue #12: at least 20 % of
 * it, peak RSS at most 300 MiB).
 *
 * The upload goes the way a merchant's does: a CSV with the sample file's columns, streamed from disk over real
 * HTTP by a client in a child process (support/upload-client.ts: the peak RSS measured here is the platform's, API
 * and worker, not the client's) to POST /api/orders/upload (parsed, rows parked, 202), imported by the worker's own
 * `orders.process-upload` handler, and the events it raised dispatched (drainEventPipeline). The ceiling is
 * `COPY … FROM STDIN` of the same file into a table with the same columns: no validation, no grouping, no orders,
 * events or jobs, one statement. Each pair runs the ceiling and then the upload, on a fresh table and a fresh
 * merchant, three times; the goal compares the medians.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import { DOMAIN_EVENT_CONSUMERS, drainDomainEvents, type JobName } from '@ipay/api';
import { runDueJobsOnce } from '../src/runner';
import { startBenchPlatform, type BenchPlatform } from './support/bench-platform';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import {
  bulkSettings,
  copyFileIntoTable,
  countRows,
  measure,
  measuredLine as line,
  type Measured,
} from './support/bulk-load';
import { mebibytes } from './support/memory';
import { writeOrdersCsv } from './support/orders-csv';
import { startUploadClient, type UploadClient } from './support/upload-client';
import {
  formatGoals,
  formatTable,
  ratioGoal,
  runBenchmark,
  runPairs,
  writeBenchResults,
  type GoalResult,
} from './support/report';

const settings = bulkSettings();

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

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

async function registerMerchant(baseUrl: string, run: number): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationName: `Benchmark Shop ${run} BV`,
      name: 'Bench Admin',
      email: `bench${run}@example.test`,
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

async function postUpload(
  client: UploadClient,
  baseUrl: string,
  token: string,
  file: string,
): Promise<string> {
  const url = `${baseUrl}/api/orders/upload`;
  const answer = await client.upload({ url, token, file, type: 'text/csv' });
  if (answer.status !== 202) {
    throw new Error(`expected 202 (queued), got ${answer.status}: ${answer.body.slice(0, 500)}`);
  }
  return UploadAnswer.parse(JSON.parse(answer.body)).upload.id;
}

async function uploadState(baseUrl: string, token: string, id: string) {
  const response = await fetch(`${baseUrl}/api/orders/uploads/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return UploadState.parse(await json(response));
}

function copyIntoTable(database: BenchDatabase, table: string, headers: string[], file: string) {
  const columns = headers.map((h) => {
    const type = NUMERIC_COLUMNS.has(h) ? 'bigint' : h === 'ipay_flag' ? 'boolean' : 'text';
    return `${h} ${type}`;
  });
  const copy = `copy ${table} (${headers.join(', ')}) from stdin with (format csv, header true)`;
  return copyFileIntoTable(database, { table, columns, copy, file });
}

function runJobs(database: BenchDatabase, platform: BenchPlatform, tasks: JobName[]): Promise<void> {
  return runDueJobsOnce({
    db: database.db,
    pool: database.pool,
    logger: pino({ level: 'silent' }),
    config: platform.deps.config,
    encryptionKey: platform.deps.encryptionKey,
    tasks,
  });
}

/**
 * Dispatches every event the upload raised (nearly all order.created), as the platform's event pipeline does
 * after an import. Today that is one `events.dispatch` job per event; this one function is what changes when the
 * pipeline does.
 */
async function drainEventPipeline(database: BenchDatabase): Promise<void> {
  await drainDomainEvents(database.db, { consumers: DOMAIN_EVENT_CONSUMERS });
  const left = await countRows(
    database,
    `select count(*) as n from domain_events
     where stream_position > (select position from event_relay_cursors where name = 'dispatch')`,
  );
  if (left) throw new Error(`${left} events were left undispatched`);
}

interface UploadRun {
  copy: Measured;
  http: Measured;
  job: Measured;
  dispatch: Measured;
  /** HTTP, job and dispatch together: the subject. */
  total: Measured;
}

function together(parts: Measured[]): Measured {
  return {
    seconds: parts.reduce((sum, part) => sum + part.seconds, 0),
    memory: {
      rssBytes: Math.max(...parts.map((part) => part.memory.rssBytes)),
      heapUsedBytes: Math.max(...parts.map((part) => part.memory.heapUsedBytes)),
    },
  };
}

/** One pair: the ceiling on a fresh table, then the upload for a fresh merchant, each checked. */
async function runPair(
  database: BenchDatabase,
  platform: BenchPlatform,
  client: UploadClient,
  file: { path: string; headers: string[]; rows: number; orders: number },
  run: number,
): Promise<UploadRun> {
  const table = `bench_copy_order_lines_${run}`;
  // COPY first: RSS rarely shrinks once grown, so the upload's peak would otherwise inflate the ceiling's.
  const copy = await measure(() => copyIntoTable(database, table, file.headers, file.path));
  const copied = await countRows(database, `select count(*) as n from ${table}`);
  if (copied !== file.rows) throw new Error(`COPY loaded ${copied} rows, expected ${file.rows}`);

  const token = await registerMerchant(platform.baseUrl, run);
  let uploadId = '';
  const http = await measure(async () => {
    uploadId = await postUpload(client, platform.baseUrl, token, file.path);
  });
  const job = await measure(() => runJobs(database, platform, ['orders.process-upload']));
  const state = await uploadState(platform.baseUrl, token, uploadId);
  if (state.status !== 'completed' || state.created_count !== file.orders || state.rejected_count !== 0) {
    throw new Error(`the upload did not import every order: ${JSON.stringify(state)}`);
  }
  const dispatch = await measure(() => drainEventPipeline(database));
  return { copy, http, job, dispatch, total: together([http, job, dispatch]) };
}

function runTable(rows: number, run: UploadRun, index: number): string {
  return formatTable([
    line(`run ${index + 1}: HTTP POST to 202 (parse, park rows)`, rows, run.http),
    line(`run ${index + 1}: job orders.process-upload`, rows, run.job),
    line(`run ${index + 1}: dispatch of the events raised`, rows, run.dispatch),
    line(`run ${index + 1}: upload, end to end`, rows, run.total),
    line(`run ${index + 1}: COPY FROM STDIN (ceiling)`, rows, run.copy),
  ]);
}

async function main(): Promise<void> {
  const rows = settings.BENCH_ROWS;
  const folder = await mkdtemp(path.join(tmpdir(), 'ipay-bench-upload-'));
  const file = path.join(folder, 'orders.csv');
  let database: BenchDatabase | undefined;
  let platform: BenchPlatform | undefined;
  let client: UploadClient | undefined;
  try {
    process.stdout.write(
      `order upload benchmark: ${rows.toLocaleString('en-US')} rows, ${settings.BENCH_PAIRS} pairs\n`,
    );
    const db = await startBenchDatabase();
    database = db;
    const started = await startBenchPlatform(db, {
      ORDER_UPLOAD_MAX_ROWS: String(rows),
      ORDER_UPLOAD_MAX_BYTES: String(Math.max(20 * 1_048_576, rows * 400)),
    });
    platform = started;
    const headers = await sampleHeaders(started.baseUrl, await registerMerchant(started.baseUrl, 0));
    const orders = await writeOrdersCsv(file, headers, rows);
    const { size } = await stat(file);
    process.stdout.write(
      `file: ${orders.toLocaleString('en-US')} orders, ${mebibytes(size).toFixed(1)} MiB, ${headers.length} columns\n`,
    );
    const uploader = await startUploadClient();
    client = uploader;
    globalThis.gc?.();
    const idleRss = process.memoryUsage().rss;
    const runs: UploadRun[] = [];
    const paired = await runPairs(settings.BENCH_PAIRS, async () => {
      const run = await runPair(
        db,
        started,
        uploader,
        { path: file, headers, rows, orders },
        runs.length + 1,
      );
      process.stdout.write(`\n${runTable(rows, run, runs.length)}\n`);
      runs.push(run);
      return { subject: rows / run.total.seconds, ceiling: rows / run.copy.seconds };
    });
    const peakRss = Math.max(...runs.map((run) => mebibytes(run.total.memory.rssBytes)));
    const goals = [
      ratioGoal({
        goal: `upload of ${rows.toLocaleString('en-US')} rows, end to end incl. event dispatch`,
        unit: 'rows/s',
        ceilingName: 'COPY',
        subject: paired.subject,
        ceiling: paired.ceiling,
        minPercent: 20,
      }),
      {
        goal: 'upload peak RSS (API and worker in one process)',
        measured: `${peakRss.toFixed(0)} MiB`,
        beside: `idle before the runs ${mebibytes(idleRss).toFixed(0)} MiB`,
        result: `${peakRss.toFixed(0)} MiB`,
        target: '<= 300 MiB',
        met: peakRss <= 300,
      },
    ] satisfies GoalResult[];
    process.stdout.write(`\n${formatGoals(goals)}\n`);
    const results = await writeBenchResults('order-upload', {
      rows,
      orders,
      fileMiB: mebibytes(size),
      idleRssMiB: mebibytes(idleRss),
      runs: runs.map((run) => ({
        http: line('HTTP POST to 202', rows, run.http),
        job: line('job orders.process-upload', rows, run.job),
        dispatch: line('dispatch of the events raised', rows, run.dispatch),
        upload: line('upload, end to end', rows, run.total),
        ceiling: line('COPY FROM STDIN', rows, run.copy),
      })),
      goals,
    });
    process.stdout.write(`figures: ${results}\n`);
  } finally {
    await client?.close();
    await platform?.close();
    await database?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

await runBenchmark(main);
