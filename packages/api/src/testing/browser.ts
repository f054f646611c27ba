import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import { freePort } from '@ipay/db';
import { createTestPlatform, type TestPlatform } from './platform';

/** The system's Chromium (never a downloaded one); `.ci/run` installs it when missing. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
];
/** The pages are mobile first: checked and photographed at a phone's size. */
export const MOBILE = { width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/** axe-core's WCAG 2.1 A/AA rules and best practices; the serious and critical findings, for a test to refuse. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through DevTools, not a <script>: the pages' CSP allows no script at all.
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }).then((result) => result.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/**
 * Where page tests put their screenshots: the test-output folder, or docs/screenshots when
 * `IPAY_UPDATE_SCREENSHOTS=1` refreshes the pictures the docs show.
 */
export const SCREENSHOTS = fileURLToPath(
  new URL(
    process.env.IPAY_UPDATE_SCREENSHOTS === '1'
      ? '../../../../docs/screenshots/'
      : '../../test-output/screenshots/',
    import.meta.url,
  ),
);

/** A started platform on a port its own PUBLIC_URL names, Chromium beside it, and every console error seen. */
export interface PageHarness {
  platform: TestPlatform;
  browser: Browser;
  /** Console errors of every page opened, `url: message`; a test ends by expecting none. */
  problems: string[];
  /**
   * A phone-sized page in `context` (a fresh one when none is given) asking for `language`. A failed load with
   * one of `expectedStatuses` (404 by default: the browser's own favicon request) is not a problem.
   */
  open(options?: { language?: string; context?: BrowserContext; expectedStatuses?: number[] }): Promise<Page>;
  /** No serious axe-core finding on the page, then a full-page screenshot named `name` when one is given. */
  check(page: Page, name?: string): Promise<void>;
  close(): Promise<void>;
}

/** `env` configures the platform beyond its PUBLIC_URL (an SMS gateway, an e-mail provider). */
export async function startPageHarness(options: { env?: Record<string, string> } = {}): Promise<PageHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (the CI script does).`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const port = await freePort();
  const platform = await createTestPlatform({
    port,
    env: { ...options.env, PUBLIC_URL: `http://127.0.0.1:${port}` },
  });
  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const problems: string[] = [];
  return {
    platform,
    browser,
    problems,
    async open({ language = 'en', context, expectedStatuses = [404] } = {}) {
      const page = await (context ?? (await browser.createBrowserContext())).newPage();
      await page.setViewport(MOBILE);
      await page.setExtraHTTPHeaders({ 'accept-language': language });
      const expected = new RegExp(`^Failed to load resource: .* status of (${expectedStatuses.join('|')})`);
      page.on('console', (message) => {
        if (message.type() === 'error' && !expected.test(message.text()))
          problems.push(`${page.url()}: ${message.text()}`);
      });
      return page;
    },
    async check(page, name) {
      expect(await seriousViolations(page), page.url()).toEqual([]);
      if (name) await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
    },
    async close() {
      await browser.close();
      await platform.close();
    },
  };
}

/** What the page's `main` shows, as a person reads it. */
export const mainText = (page: Page): Promise<string> =>
  page.$eval('main', (main) => (main as unknown as { innerText: string }).innerText);

/** Clicks `selector` and waits for the page it leads to; the HTTP status of that page. */
export async function submit(page: Page, selector: string): Promise<number | undefined> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  return response?.status();
}
