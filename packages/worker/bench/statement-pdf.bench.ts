/**
 * Statement PDFs through the platform's PDF module, against a bare one-browser `page.pdf()` loop on the same
 * HTML as the ceiling (issue #13's goal: at least 90 % of it).
 *
 * The document is a carrier credit statement of `BENCH_PDF_ROWS` lines (`sampleStatement`, the tests' document),
 * made once by `documentSource` (the Eta templates and inlined stylesheet), so both sides print the same bytes
 * and the template's own cost is left out of both. Each side has its own Chromium, started and warmed with one
 * PDF before anything is timed. Two goals, each with its own pairs run back to back:
 * - the module as the app builds it (`PDF_CONCURRENCY` tabs, its default), `BENCH_PDFS` renders asked for at
 *   once, as jobs and requests would: its queue, tab reuse, request blocking and crash watch included;
 * - the module with one tab, one render after another: the same shape as the ceiling, so what remains is the
 *   module's own overhead.
 * Ceiling: one browser launched with the module's flags, one tab, `setContent` then `page.pdf()` with the
 * module's page options, `BENCH_PDFS` times in a loop. No queue, no request interception, no retry.
 */
import {
  CHROMIUM_ARGS,
  documentSource,
  loadConfig,
  pdfOptions,
  PdfRenderer,
  type PdfSource,
} from '@ipay/api';
import { sampleStatement } from '@ipay/api/testing';
import puppeteer, { type Browser } from 'puppeteer-core';
import { z } from 'zod';
import { formatGoals, ratioGoal, runBenchmark, runPairs, writeBenchResults } from './support/report';

const Settings = z.object({
  BENCH_PDFS: z.coerce.number().int().min(1).max(10_000).default(40),
  BENCH_PDF_ROWS: z.coerce.number().int().min(1).max(20_000).default(150),
  BENCH_PAIRS: z.coerce.number().int().min(1).max(9).default(3),
});
// Benchmarks are run by hand, outside the platform's config: their knobs are read here.
const settings = Settings.parse({
  BENCH_PDFS: process.env.BENCH_PDFS,
  BENCH_PDF_ROWS: process.env.BENCH_PDF_ROWS,
  BENCH_PAIRS: process.env.BENCH_PAIRS,
});
const silent = { warn: () => undefined, info: () => undefined };

// The goals table rounds to whole units: a few PDFs a second read better per minute there.
const perMinute = (perSecond: number) => perSecond * 60;

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function checkPdf(pdf: Uint8Array, smallest: number): void {
  if (Buffer.from(pdf.subarray(0, 5)).toString() !== '%PDF-' || pdf.byteLength < smallest) {
    throw new Error(`not the statement: ${pdf.byteLength} bytes`);
  }
}

/** PDFs/s of `count` renders asked for at once (the module queues what its tabs cannot take yet). */
async function moduleAtOnce(renderer: PdfRenderer, source: PdfSource, count: number, smallest: number) {
  const started = process.hrtime.bigint();
  const pdfs = await Promise.all(Array.from({ length: count }, () => renderer.render(source)));
  const elapsed = seconds(started);
  for (const pdf of pdfs) checkPdf(pdf, smallest);
  return count / elapsed;
}

/** PDFs/s of `count` renders one after another. */
async function moduleInTurn(renderer: PdfRenderer, source: PdfSource, count: number, smallest: number) {
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) checkPdf(await renderer.render(source), smallest);
  return count / seconds(started);
}

async function bareLoop(browser: Browser, source: PdfSource, count: number, smallest: number) {
  const page = await browser.newPage();
  const options = pdfOptions(source.footerHtml);
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index += 1) {
    await page.setContent(source.html, { waitUntil: 'load' });
    checkPdf(await page.pdf(options), smallest);
  }
  const rate = count / seconds(started);
  await page.close();
  return rate;
}

async function main(): Promise<void> {
  const { BENCH_PDFS: count, BENCH_PDF_ROWS: rows, BENCH_PAIRS: pairs } = settings;
  const { pdf: config } = loadConfig({ NODE_ENV: 'test' });
  const source = documentSource(sampleStatement(rows));
  const inTurn = new PdfRenderer({ ...config, concurrency: 1 }, silent);
  const atOnce = new PdfRenderer(config, silent);
  let bare: Browser | undefined;
  try {
    process.stdout.write(
      `statement PDF benchmark: ${count} PDFs per run, ${rows} lines each, ${config.chromiumPath}\n`,
    );
    // Warm-up, not timed: every browser started and its code paths run once.
    const sample = await atOnce.render(source);
    const smallest = Math.floor(sample.byteLength * 0.9);
    await inTurn.render(source);
    bare = await puppeteer.launch({
      executablePath: config.chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    const browser = bare;
    await bareLoop(browser, source, 1, smallest);
    process.stdout.write(`  one PDF: ${(sample.byteLength / 1024).toFixed(0)} KiB\n`);

    const concurrent = await runPairs(pairs, async () => {
      const subject = await moduleAtOnce(atOnce, source, count, smallest);
      const ceiling = await bareLoop(browser, source, count, smallest);
      process.stdout.write(
        `  module, ${config.concurrency} tabs, ${count} at once ${subject.toFixed(2)}/s; bare loop ${ceiling.toFixed(2)}/s\n`,
      );
      return { subject, ceiling };
    });
    const sequential = await runPairs(pairs, async () => {
      const subject = await moduleInTurn(inTurn, source, count, smallest);
      const ceiling = await bareLoop(browser, source, count, smallest);
      process.stdout.write(
        `  module, 1 tab, one after another ${subject.toFixed(2)}/s; bare loop ${ceiling.toFixed(2)}/s\n`,
      );
      return { subject, ceiling };
    });

    const ceilingName = 'bare one-browser page.pdf() loop';
    const goals = [
      ratioGoal({
        goal: `statement PDFs (${rows} lines), module as configured (${config.concurrency} tabs)`,
        unit: 'PDFs/min',
        ceilingName,
        subject: concurrent.subject.map(perMinute),
        ceiling: concurrent.ceiling.map(perMinute),
        minPercent: 90,
      }),
      ratioGoal({
        goal: `statement PDFs (${rows} lines), module with 1 tab, in turn`,
        unit: 'PDFs/min',
        ceilingName,
        subject: sequential.subject.map(perMinute),
        ceiling: sequential.ceiling.map(perMinute),
        minPercent: 90,
      }),
    ];
    process.stdout.write(`\n${formatGoals(goals)}\n`);
    const results = await writeBenchResults('statement-pdf', {
      pdfs: count,
      rows,
      pdfBytes: sample.byteLength,
      concurrency: config.concurrency,
      moduleAtOnce: concurrent.subject,
      bareLoopBesideAtOnce: concurrent.ceiling,
      moduleInTurn: sequential.subject,
      bareLoopBesideInTurn: sequential.ceiling,
      goals,
    });
    process.stdout.write(`figures: ${results}\n`);
  } finally {
    await Promise.all([atOnce.close(), inTurn.close(), bare?.close()]);
  }
}

await runBenchmark(main);
