import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from '../../testing/browser';
import type { ControlResult, Overview } from './schemas';
import { renderDigest } from './service/digest';

const OUTPUT = fileURLToPath(new URL('../../../test-output/internal-controls/', import.meta.url));

const result = (over: Partial<ControlResult>): ControlResult => ({
  controlId: 'di.paid-session-without-payment',
  title: 'Every paid session has its PSP payment',
  category: 'data_integrity',
  owner: 'operator',
  metricDescription: 'paid sessions without a payment',
  thresholds: { amber: 1, red: 1 },
  status: 'RED',
  metric: 2,
  offenders: 2,
  evidence: ['9b1f0c7e-1d2a-4c55-9a0e-3f1b2c3d4e5f', '<script>alert(1)</script>'],
  ranAt: '2026-11-30T05:30:00.000Z',
  approval: null,
  ...over,
});

/** The digest as the finance group sees it, rendered in Chromium and photographed for a person to look at. */
describe('the daily digest in Chromium', () => {
  it('shows the counts and each AMBER and RED control, escaping the evidence', async () => {
    mkdirSync(OUTPUT, { recursive: true });
    const controls = [
      result({}),
      result({
        controlId: 'wh.endpoints-disabled-today',
        title: 'Few webhook endpoints were disabled today',
        status: 'AMBER',
        metric: 1,
        offenders: 1,
        evidence: ['e1'],
      }),
      result({
        controlId: 'di.order-total-mismatch',
        title: 'Order totals',
        status: 'GREEN',
        metric: 0,
        offenders: 0,
        evidence: [],
      }),
    ];
    const overview: Overview = {
      today: {
        date: '2026-11-30',
        ranAt: '2026-11-30T05:30:00.000Z',
        counts: { GREEN: 1, AMBER: 1, RED: 1 },
        controls,
      },
      last30Days: [],
    };
    const digest = renderDigest(overview, 'https://ipay.example/api/internal-controls/overview');
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 800, height: 600 });
      await page.setContent(digest.html);
      const text = (await page.evaluate('document.body.innerText')) as string;
      expect(text).toContain('1 red');
      expect(text).toContain('di.paid-session-without-payment');
      expect(text).toContain('<script>alert(1)</script>');
      expect(text).not.toContain('Order totals');
      await page.screenshot({ path: `${OUTPUT}digest.png`, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
