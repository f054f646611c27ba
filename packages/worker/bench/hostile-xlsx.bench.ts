/**
 * Hostile XLSX uploads against the real server: how much the server process's resident memory grows while it
 * refuses a zip bomb of about 1 MB, beside the ceiling it must stay under (100 MiB).
 *
 * The bombs are built as they are deflated (never held unpacked), written to disk and streamed from there over
 * real HTTP to POST /api/orders/upload. The last case is not a bomb: the largest shared text the XLSX guard
 * lets through, in distinct strings that compress like real data, to show what an accepted file can cost.
 */
import { openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hostileXlsx, packRepeated, workbookParts, zipOf } from '@ipay/api/testing';
import { z } from 'zod';
import { startBenchPlatform, type BenchPlatform } from './support/bench-platform';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import { mebibytes, sampleMemory } from './support/memory';
import { runBenchmark, writeBenchResults } from './support/report';

const MiB = 1_048_576;
/** Issue #9: a hostile XLSX of about 1 MB may raise the server's resident memory by less than this. */
const CEILING_MIB = 100;
/** Long strings: fewer tags, so deflate reaches its best ratio (about 1,000 to 1) and 1,000 MiB packs into 1 MB. */
const BOMB_STRING = 1_000_000;

interface Case {
  name: string;
  /** What the shared-strings part really unpacks to. */
  unpackedBytes: number;
  build: () => Promise<Buffer>;
}

const CASES: Case[] = [
  {
    name: 'zip bomb, honest headers',
    unpackedBytes: 1_000 * MiB,
    build: () => hostileXlsx({ sharedStringsBytes: 1_000 * MiB, stringLength: BOMB_STRING }),
  },
  {
    name: 'zip bomb, headers claim 30 MiB',
    unpackedBytes: 1_000 * MiB,
    build: () =>
      hostileXlsx({ sharedStringsBytes: 1_000 * MiB, stringLength: BOMB_STRING, declaredBytes: 30 * MiB }),
  },
  {
    name: 'accepted: 30 MiB of distinct shared text',
    unpackedBytes: 30 * MiB,
    build: async () => {
      const shared = await packRepeated('xl/sharedStrings.xml', {
        head: '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        unit: (i) =>
          `<si><t>SHOP-${String(i).padStart(7, '0')} Anna de Vries, Keizersgracht ${i % 997}, 1015 CJ Amsterdam</t></si>`,
        tail: '</sst>',
        bytes: 30 * MiB,
      });
      return zipOf([...workbookParts(), shared]);
    },
  },
];

const Problem = z.object({ status: z.number(), detail: z.string() });

async function registerMerchant(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationName: 'Hostile Shop BV',
      name: 'Bench Admin',
      email: 'hostile-bench@example.test',
      password: 'a long benchmark password',
    }),
  });
  if (!response.ok) throw new Error(`register answered ${response.status}`);
  return z.object({ token: z.string() }).parse(await response.json()).token;
}

interface Measured {
  status: number;
  detail: string;
  seconds: number;
  growthMiB: number;
}

/** Uploads the file from disk and samples this process's RSS, from a collected heap, until the answer is read. */
async function measureUpload(baseUrl: string, token: string, file: string): Promise<Measured> {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const sampler = sampleMemory();
  const started = process.hrtime.bigint();
  const form = new FormData();
  form.append('file', await openAsBlob(file), path.basename(file));
  const response = await fetch(`${baseUrl}/api/orders/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const text = await response.text();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peak = sampler.stop();
  const problem = Problem.safeParse(JSON.parse(text));
  return {
    status: response.status,
    detail: problem.success ? problem.data.detail : text.slice(0, 200),
    seconds,
    growthMiB: mebibytes(peak.rssBytes - before),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'ipay-bench-hostile-'));
  let database: BenchDatabase | undefined;
  let platform: BenchPlatform | undefined;
  try {
    process.stdout.write('hostile XLSX benchmark\n');
    const files: Array<{ entry: Case; file: string; size: number }> = [];
    for (const [index, entry] of CASES.entries()) {
      const file = path.join(folder, `hostile-${index + 1}.xlsx`);
      await writeFile(file, await entry.build());
      files.push({ entry, file, size: (await stat(file)).size });
    }
    database = await startBenchDatabase();
    platform = await startBenchPlatform(database);
    const token = await registerMerchant(platform.baseUrl);
    // One upload that is refused anyway first: the server's code paths are loaded before anything is measured.
    await measureUpload(platform.baseUrl, token, files[0]?.file ?? '');

    const header = ['', 'file KB', 'unpacks MiB', 'status', 'seconds', 'RSS growth MiB', 'ceiling MiB'];
    const rows = [header];
    const figures: Array<Record<string, unknown>> = [];
    const details: string[] = [];
    for (const { entry, file, size } of files) {
      const measured = await measureUpload(platform.baseUrl, token, file);
      rows.push([
        entry.name,
        Math.round(size / 1024).toLocaleString('en-US'),
        mebibytes(entry.unpackedBytes).toLocaleString('en-US'),
        String(measured.status),
        measured.seconds.toFixed(2),
        measured.growthMiB.toFixed(1),
        String(CEILING_MIB),
      ]);
      details.push(`  ${entry.name}: ${measured.status} ${measured.detail}`);
      figures.push({
        case: entry.name,
        fileBytes: size,
        unpackedBytes: entry.unpackedBytes,
        status: measured.status,
        seconds: measured.seconds,
        rssGrowthMiB: measured.growthMiB,
        ceilingMiB: CEILING_MIB,
      });
    }
    process.stdout.write(
      [
        '',
        table(rows),
        '',
        'answers:',
        ...details,
        `RSS is this one process's (API server and HTTP client), sampled every 20 ms from a collected heap; ` +
          `after the last upload: ${mebibytes(process.memoryUsage().rss).toFixed(0)} MiB`,
        '',
      ].join('\n'),
    );
    process.stdout.write(`figures: ${await writeBenchResults('hostile-xlsx', { cases: figures })}\n`);
  } finally {
    await platform?.close();
    await database?.stop();
    await rm(folder, { recursive: true, force: true });
  }
}

await runBenchmark(main);
