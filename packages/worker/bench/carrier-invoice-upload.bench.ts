/**
 * Carrier invoice upload (issue #13): a UPS billing data file of 100,000 lines, streamed over real HTTP to
 * POST /api/admin/carrier-tariffs/{cc}/invoice-upload (parsed, normalised, every line stored with COPY), beside
 * PostgreSQL's own bulk load of the same file: `COPY … FROM STDIN (FORMAT csv)` into a table of its 250 text
 * columns, with no parsing into lines, no checks and no hash. Each pair runs the ceiling and then the upload (under
 * a fresh carrier code, so the file is not recognised as imported already), three times. The issue sets no target
 * for it: the figures are reported, rows/s and peak RSS.
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { createPlatformAdmin } from '@ipay/api';
import { largeUpsInvoice } from '@ipay/api/testing';
import { startBenchPlatform, type BenchPlatform } from './support/bench-platform';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import { bulkSettings, copyFileIntoTable, countRows, measure, measuredLine } from './support/bulk-load';
import { mebibytes } from './support/memory';
import {
  formatTable,
  median,
  runBenchmark,
  runPairs,
  writeBenchResults,
  type BenchLine,
} from './support/report';

const settings = bulkSettings();
const UPS_COLUMNS = 250;
const PASSWORD = 'a long benchmark password';

async function operatorToken(database: BenchDatabase, baseUrl: string): Promise<string> {
  const email = 'bench-operator@example.test';
  await database.db
    .transaction()
    .execute((trx) => createPlatformAdmin(trx, { email, name: 'Bench Operator', password: PASSWORD }));
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return z.object({ token: z.string() }).parse(await response.json()).token;
}

const UploadAnswer = z.object({
  already_imported: z.literal(false),
  import: z.object({ id: z.uuid(), lines: z.number() }),
});

async function upload(baseUrl: string, token: string, carrier: string, file: string) {
  const form = new FormData();
  form.append('format', 'ups-billing-data');
  form.append('file', await openAsBlob(file), 'ups-billing-data.csv');
  const response = await fetch(`${baseUrl}/api/admin/carrier-tariffs/${carrier}/invoice-upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the upload answered ${response.status}: ${text.slice(0, 500)}`);
  return UploadAnswer.parse(JSON.parse(text)).import;
}

function copyFile(database: BenchDatabase, table: string, file: string): Promise<void> {
  const columns = Array.from({ length: UPS_COLUMNS }, (_, i) => `c${i + 1} text`);
  return copyFileIntoTable(database, {
    table,
    columns,
    file,
    copy: `copy ${table} from stdin with (format csv)`,
  });
}

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'ipay-bench-invoice-'));
  const file = path.join(folder, 'ups-billing-data.csv');
  let database: BenchDatabase | undefined;
  let platform: BenchPlatform | undefined;
  try {
    await pipeline(Readable.from(largeUpsInvoice(settings.BENCH_ROWS)), createWriteStream(file));
    const db = await startBenchDatabase();
    database = db;
    platform = await startBenchPlatform(db);
    const token = await operatorToken(db, platform.baseUrl);
    const { size } = await stat(file);
    const idleRss = process.memoryUsage().rss;
    process.stdout.write(
      `carrier invoice upload benchmark: ${settings.BENCH_ROWS.toLocaleString('en-US')} rows asked, ${mebibytes(size).toFixed(1)} MiB, ${settings.BENCH_PAIRS} pairs\n`,
    );
    const runs: Array<{ copy: BenchLine; upload: BenchLine }> = [];
    const started = platform;
    let lines = 0;
    const paired = await runPairs(settings.BENCH_PAIRS, async () => {
      const run = runs.length + 1;
      const table = `bench_copy_ups_${run}`;
      const copy = await measure(() => copyFile(db, table, file));
      lines = await countRows(db, `select count(*) as n from ${table}`);
      let importId = '';
      const uploaded = await measure(async () => {
        const result = await upload(started.baseUrl, token, `UPS_BENCH_${run}`, file);
        importId = result.id;
        if (result.lines !== lines) throw new Error(`the upload stored ${result.lines} lines, COPY ${lines}`);
      });
      const stored = await countRows(
        db,
        `select count(*) as n from carrier_invoice_lines where import_id = '${importId}'`,
      );
      if (stored !== lines) throw new Error(`${stored} lines stored, expected ${lines}`);
      const pair = {
        copy: measuredLine(`run ${run}: COPY FROM STDIN (ceiling)`, lines, copy),
        upload: measuredLine(`run ${run}: upload over HTTP`, lines, uploaded),
      };
      process.stdout.write(`\n${formatTable([pair.upload, pair.copy])}\n`);
      runs.push(pair);
      return { subject: lines / uploaded.seconds, ceiling: lines / copy.seconds };
    });
    const subject = median(paired.subject);
    const ceiling = median(paired.ceiling);
    const peakRss = Math.max(...runs.map((run) => run.upload.peakRssMiB));
    process.stdout.write(
      `\nupload ${Math.round(subject).toLocaleString('en-US')} lines/s beside COPY ${Math.round(ceiling).toLocaleString('en-US')} lines/s (${((100 * subject) / ceiling).toFixed(1)}%), peak RSS ${peakRss.toFixed(0)} MiB (idle ${mebibytes(idleRss).toFixed(0)} MiB)\n`,
    );
    const results = await writeBenchResults('carrier-invoice-upload', {
      lines,
      fileMiB: mebibytes(size),
      idleRssMiB: mebibytes(idleRss),
      medianUploadLinesPerSecond: subject,
      medianCopyLinesPerSecond: ceiling,
      peakUploadRssMiB: peakRss,
      runs,
    });
    process.stdout.write(`figures: ${results}\n`);
  } finally {
    await platform?.close();
    await database?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

await runBenchmark(main);
