/**
 * Carrier invoice upload (issue #13): a UPS billing data file of 100,000 lines, streamed over real HTTP to
 * POST /api/admin/carrier-tariffs/{cc}/invoice-upload (parsed, normalised, every line stored with COPY), beside
 * PostgreSQL's own bulk load of the same file: `COPY … FROM STDIN (FORMAT csv)` into a table of its 250 text
 * columns, with no parsing into lines, no checks and no hash. Each pair runs the ceiling and then the upload (under
 * a fresh carrier code, so the file is not recognised as imported already), three times. The issue sets no target
 * for it: the figures are reported, rows/s and peak RSS.
 *
 * After each upload the import is matched (`matchInvoiceImport`, what the job runs) against parcels seeded for
 * nine in ten of the file's pieces and a tariff with fuel: lines/s and peak RSS of matching, reported beside the
 * upload (no ceiling: nothing else does the same work).
 */
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import { z } from 'zod';
import { createPlatformAdmin, matchInvoiceImport, storeTariff, type ParsedTariff } from '@ipay/api';
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

/** The tariff matching prices the seeded parcels with: zone 2 for BE, 250 g steps up to 10 kg and beyond. */
function benchTariff(carrier: string): ParsedTariff {
  return {
    carrier,
    carrierName: carrier,
    service: 'STANDARD',
    serviceName: 'Standard',
    origin: 'NL',
    effectiveFrom: '2026-01-01',
    currency: 'EUR',
    volumetricDivisor: 5000,
    weightStepGrams: 500,
    body: {
      zones: [{ country: 'BE', postcodeFrom: null, postcodeTo: null, zone: '2' }],
      rates: [
        {
          zone: '2',
          breaks: [2, 5, 10].map((kg, i) => ({ upToGrams: kg * 1000, priceMinor: 950 + 300 * i })),
          additional: { stepGrams: 1000, priceMinor: 110 },
        },
      ],
      surcharges: [],
      remoteAreas: [],
    },
  };
}

/**
 * Orders of 50 pieces, one piece per tracking number of the file (`largeUpsInvoice`'s serials 1…pieces) but every
 * tenth (left unknown: UNMATCHED_IN_DB), set-based; with the carrier's tariff and fuel.
 */
async function seedParcels(database: BenchDatabase, carrier: string, pieces: number): Promise<void> {
  await database.db.transaction().execute((trx) => storeTariff(trx, benchTariff(carrier)));
  await sql`insert into tariff_fuel_surcharges (carrier_code, published_percent, discount_percent, discount_mode,
    effective_from, reason) values (${carrier}, '10', '0', 'points', '2026-01-01', 'bench')`.execute(
    database.db,
  );
  await sql`
    with org as (
      insert into organizations (name, type) values (${`Bench shop ${carrier}`}, 'merchant') returning id
    ), made as (
      insert into orders (merchant_id, merchant_reference, customer_name, customer_email, address_line1,
        postal_code, city, country, currency, items_total_minor, total_minor, carrier_code, ipay_flag,
        create_fingerprint)
      select org.id, 'BENCH-' || g, 'Anna de Vries', 'anna@example.nl', 'Meir 1', '2000', 'Antwerpen', 'BE',
        'EUR', 1000, 1000, ${carrier}, true, 'bench-' || g
      from org, generate_series(0, ${Math.floor(pieces / 50)}) g
      returning id, merchant_reference
    )
    insert into order_parcels (order_id, position, carrier_code, tracking_number, ship_date, weight_grams,
      length_cm, width_cm, height_cm, source)
    select made.id, s % 50 + 1, ${carrier}, '1ZA1B2C368' || lpad(s::text, 8, '0'), '2026-11-20',
      500 + (s % 40) * 250, 30, 20, 10, 'operator'
    from generate_series(1, ${pieces}) s join made on made.merchant_reference = 'BENCH-' || (s / 50)
    where s % 10 <> 5`.execute(database.db);
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
    const runs: Array<{ copy: BenchLine; upload: BenchLine; match: BenchLine }> = [];
    const counts: Array<Record<string, number>> = [];
    const started = platform;
    let lines = 0;
    const paired = await runPairs(settings.BENCH_PAIRS, async () => {
      const run = runs.length + 1;
      const table = `bench_copy_ups_${run}`;
      const copy = await measure(() => copyFile(db, table, file));
      lines = await countRows(db, `select count(*) as n from ${table}`);
      let importId = '';
      await seedParcels(db, `UPS_BENCH_${run}`, Math.ceil(settings.BENCH_ROWS / 2));
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
      const matched = await measure(async () => {
        const summary = await matchInvoiceImport(db.db, importId);
        if (!summary?.matchedNow) throw new Error(`import ${importId} was not matched`);
        counts.push(summary.counts);
      });
      const pair = {
        copy: measuredLine(`run ${run}: COPY FROM STDIN (ceiling)`, lines, copy),
        upload: measuredLine(`run ${run}: upload over HTTP`, lines, uploaded),
        match: measuredLine(`run ${run}: matching (the job)`, lines, matched),
      };
      process.stdout.write(`\n${formatTable([pair.upload, pair.copy, pair.match])}\n`);
      runs.push(pair);
      return { subject: lines / uploaded.seconds, ceiling: lines / copy.seconds };
    });
    const subject = median(paired.subject);
    const ceiling = median(paired.ceiling);
    const peakRss = Math.max(...runs.map((run) => run.upload.peakRssMiB));
    process.stdout.write(
      `\nupload ${Math.round(subject).toLocaleString('en-US')} lines/s beside COPY ${Math.round(ceiling).toLocaleString('en-US')} lines/s (${((100 * subject) / ceiling).toFixed(1)}%), peak RSS ${peakRss.toFixed(0)} MiB (idle ${mebibytes(idleRss).toFixed(0)} MiB)\n`,
    );
    const matchRate = median(runs.map((run) => run.match.rows / run.match.seconds));
    const peakMatchRss = Math.max(...runs.map((run) => run.match.peakRssMiB));
    process.stdout.write(
      `matching ${Math.round(matchRate).toLocaleString('en-US')} lines/s, peak RSS ${peakMatchRss.toFixed(0)} MiB; rows per status ${JSON.stringify(counts[0])}\n`,
    );
    const results = await writeBenchResults('carrier-invoice-upload', {
      lines,
      fileMiB: mebibytes(size),
      idleRssMiB: mebibytes(idleRss),
      medianUploadLinesPerSecond: subject,
      medianCopyLinesPerSecond: ceiling,
      peakUploadRssMiB: peakRss,
      medianMatchLinesPerSecond: matchRate,
      peakMatchRssMiB: peakMatchRss,
      matchedStatuses: counts[0],
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
