import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BaseLogger } from 'pino';
import type { Browser, HTTPRequest, Page, PDFOptions } from 'puppeteer-core';
import { AppError } from '../../errors/app-error';

/** The command a Debian or Ubuntu operator runs when the system has no Chromium. */
export const CHROMIUM_INSTALL_STEP = 'apt-get install -y chromium';

/**
 * The pages' browser test's flags (root in containers needs no sandbox, and no GPU is there), and no network:
 * tabs refuse every request (`blockNetwork`), but Chromium still opens connections on its own (preconnects for
 * links it sees), so every connection goes to a proxy whose name, like every name, resolves to nothing.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--font-render-hinting=none',
  '--proxy-server=http://no-network.invalid:1',
  '--proxy-bypass-list=<-loopback>',
  '--host-resolver-rules=MAP * ~NOTFOUND',
];
/** How long `close()` waits for Chromium to exit on its own before it is killed. */
const CLOSE_GRACE_MS = 5_000;
/** A hung browser fails its render after this long instead of holding its slot forever. */
const PROTOCOL_TIMEOUT_MS = 60_000;
const RETRY_AFTER_SECONDS = 5;

export interface PdfRendererOptions {
  chromiumPath: string;
  /** Renders at once, one tab each; further renders wait in arrival order. */
  concurrency: number;
}

/** One PDF's input: a complete HTML document carrying its own styles, and puppeteer's footer template. */
export interface PdfSource {
  html: string;
  /** Rendered in every page's bottom margin; `<span class="pageNumber">` and `totalPages` are filled in. */
  footerHtml: string;
}

/** A4 with the document's margins; the footer sits in the bottom margin. */
export function pdfOptions(footerHtml: string): PDFOptions {
  return {
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: '<span></span>',
    footerTemplate: footerHtml,
    margin: { top: '14mm', right: '14mm', bottom: '18mm', left: '14mm' },
  };
}

interface Waiter {
  resolve: () => void;
  reject: (error: AppError) => void;
}

type PdfLogger = Pick<BaseLogger, 'warn' | 'info'>;

function chromiumMissing(path: string): AppError {
  return new AppError(
    'service_unavailable',
    `PDF rendering needs Chromium, and there is none at ${path}. Install it (\`${CHROMIUM_INSTALL_STEP}\`) or set PDF_CHROMIUM_PATH to the Chromium executable.`,
  );
}

function stopping(): AppError {
  return new AppError('service_unavailable', 'The PDF renderer is stopping with this process; try again.', {
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}

/** Only the document itself: images, fonts, styles and links from the network are refused. */
function blockNetwork(request: HTTPRequest): void {
  const allowed = request.url().startsWith('data:');
  void (allowed ? request.continue() : request.abort('blockedbyclient')).catch(() => undefined);
}

/**
 * The process's one Chromium, for every PDF the platform renders (statements, settlements, quotes). Started
 * on the first render, not at boot, so a process that renders nothing needs no Chromium. At most
 * `concurrency` renders run at once, each in a tab kept open for the next one; the rest queue. When the
 * browser crashes or is killed, its tabs are dropped and the next render starts a new one; a render it took
 * down with it is tried once more on the new browser. `close()` lets running renders finish, refuses the
 * queued ones and ends the browser, killing it if it does not exit.
 */
export class PdfRenderer {
  readonly #options: PdfRendererOptions;
  readonly #logger: PdfLogger;
  #launching: Promise<Browser> | undefined;
  #browser: Browser | undefined;
  /** Open tabs of `#browser` that no render is using. */
  #idle: Page[] = [];
  #active = 0;
  readonly #waiting: Waiter[] = [];
  readonly #running = new Set<Promise<unknown>>();
  #stopped = false;

  constructor(options: PdfRendererOptions, logger: PdfLogger) {
    this.#options = options;
    this.#logger = logger;
  }

  /** The running browser's process id, if one is running (tests kill it to prove the restart). */
  get browserPid(): number | undefined {
    return this.#browser?.process()?.pid;
  }

  /** Renders running and renders waiting for a tab. */
  get load(): { rendering: number; waiting: number } {
    return { rendering: this.#active, waiting: this.#waiting.length };
  }

  /** Refused with a 503 once `close()` has begun; a render already admitted then still finishes. */
  render(source: PdfSource): Promise<Buffer> {
    if (this.#stopped) return Promise.reject(stopping());
    const rendering = this.#takeSlot().then(() =>
      this.#renderWithRetry(source).finally(() => this.#releaseSlot()),
    );
    // Registered at once, so a `close()` called in the same tick still waits for it.
    this.#running.add(rendering);
    void rendering.finally(() => this.#running.delete(rendering)).catch(() => undefined);
    return rendering;
  }

  async close(): Promise<void> {
    this.#stopped = true;
    for (const waiter of this.#waiting.splice(0)) waiter.reject(stopping());
    await Promise.allSettled(this.#running);
    const browser = await this.#launching?.catch(() => undefined);
    this.#forget();
    if (browser) await closeBrowser(browser);
  }

  async #takeSlot(): Promise<void> {
    if (this.#active < this.#options.concurrency) {
      this.#active += 1;
      return;
    }
    // The slot is handed over by `#releaseSlot`, so `#active` already counts this render.
    await new Promise<void>((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #releaseSlot(): void {
    const next = this.#waiting.shift();
    if (next) next.resolve();
    else this.#active -= 1;
  }

  async #renderWithRetry(source: PdfSource): Promise<Buffer> {
    try {
      return await this.#renderOnce(source);
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (this.#stopped) throw stopping();
      this.#logger.warn(
        { err: error },
        'a PDF render failed; trying it once more (on a new browser if it died)',
      );
      try {
        return await this.#renderOnce(source);
      } catch (again) {
        if (again instanceof AppError) throw again;
        throw new AppError('service_unavailable', 'The PDF could not be rendered; try again.', {
          cause: again,
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        });
      }
    }
  }

  async #renderOnce(source: PdfSource): Promise<Buffer> {
    const browser = await this.#currentBrowser();
    const page = this.#idle.pop() ?? (await openTab(browser));
    let reusable = false;
    try {
      await page.setContent(source.html, { waitUntil: 'load' });
      const pdf = await page.pdf(pdfOptions(source.footerHtml));
      reusable = true;
      return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      if (reusable && browser === this.#browser && browser.connected) this.#idle.push(page);
      else await page.close().catch(() => undefined);
    }
  }

  /** The running browser, or a new one: one launch at a time, however many renders ask at once. */
  #currentBrowser(): Promise<Browser> {
    // A killed browser may not have announced its disconnection yet when the next render asks.
    if (this.#browser && !this.#browser.connected) this.#forget();
    // Renders admitted before `close()` finish on the running browser; none starts a new one.
    if (this.#stopped && !this.#browser) return Promise.reject(stopping());
    this.#launching ??= this.#launch().catch((error: unknown) => {
      this.#launching = undefined;
      throw error;
    });
    return this.#launching;
  }

  async #launch(): Promise<Browser> {
    const path = this.#options.chromiumPath;
    await access(path, constants.X_OK).catch(() => {
      throw chromiumMissing(path);
    });
    // Loaded with the first browser, not at start: about 19 MiB resident that a process printing no PDF never needs.
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer
      .launch({
        executablePath: path,
        headless: true,
        args: CHROMIUM_ARGS,
        protocolTimeout: PROTOCOL_TIMEOUT_MS,
        // The process's own signal handling stops the renderer (close()); puppeteer must not race it.
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .catch((error: unknown) => {
        throw new AppError(
          'service_unavailable',
          `Chromium at ${path} did not start, so no PDF can be rendered. Check it runs (\`${path} --version\`), or install it (\`${CHROMIUM_INSTALL_STEP}\`).`,
          { cause: error },
        );
      });
    browser.once('disconnected', () => {
      if (browser !== this.#browser) return;
      this.#forget();
      if (!this.#stopped) this.#logger.warn('the PDF browser went away; the next PDF starts a new one');
    });
    if (this.#stopped) {
      await closeBrowser(browser);
      throw stopping();
    }
    this.#browser = browser;
    this.#logger.info({ pid: browser.process()?.pid }, 'PDF browser started');
    return browser;
  }

  #forget(): void {
    this.#browser = undefined;
    this.#launching = undefined;
    this.#idle = [];
  }
}

async function openTab(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', blockNetwork);
  return page;
}

async function closeBrowser(browser: Browser): Promise<void> {
  const exited = await Promise.race([
    browser.close().then(
      () => true,
      () => false,
    ),
    sleep(CLOSE_GRACE_MS, false, { ref: false }),
  ]);
  if (!exited) browser.process()?.kill('SIGKILL');
}
