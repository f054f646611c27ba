import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAppDeps, createAppDeps } from '../../bootstrap';
import { loadConfig } from '../../config';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import { buildServer } from '../../http/server';
import { createLogger } from '../../logging';
import { createTestPlatform, processTree, sampleStatement, stillRunning } from '../../testing';
import { documentSource, renderDocumentPdf } from './document';
import { CHROMIUM_INSTALL_STEP, PdfRenderer } from './pdf-renderer';

/** The one browser's life: started by the first PDF, bounded, restarted after a crash, stopped with the app. */
const CHROMIUM = '/usr/bin/chromium';
const MISSING = '/nonexistent/chromium';
const silent = { warn: () => undefined, info: () => undefined };
const source = documentSource(sampleStatement(30));

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (error: unknown) => error,
  );
}

function isPdf(pdf: Buffer): boolean {
  return pdf.subarray(0, 5).toString() === '%PDF-';
}

describe('the PDF renderer', () => {
  let renderer: PdfRenderer;

  beforeAll(() => {
    renderer = new PdfRenderer({ chromiumPath: CHROMIUM, concurrency: 2 }, silent);
  });
  afterAll(() => renderer.close());

  it('starts Chromium on the first render, not before', async () => {
    expect(renderer.browserPid).toBeUndefined();
    expect(isPdf(await renderer.render(source))).toBe(true);
    expect(renderer.browserPid).toBeGreaterThan(0);
  });

  it('renders at most `concurrency` PDFs at once and queues the rest in order', async () => {
    const renders = Array.from({ length: 5 }, () => renderer.render(source));
    expect(renderer.load).toEqual({ rendering: 2, waiting: 3 });
    const pdfs = await Promise.all(renders);
    expect(pdfs.every(isPdf)).toBe(true);
    expect(renderer.load).toEqual({ rendering: 0, waiting: 0 });
  });

  it('renders again after its browser was killed between two PDFs', async () => {
    await renderer.render(source);
    const killed = renderer.browserPid ?? 0;
    const tree = await processTree(killed);
    process.kill(killed, 'SIGKILL');
    expect(isPdf(await renderer.render(source))).toBe(true);
    expect(renderer.browserPid).not.toBe(killed);
    expect(await stillRunning([killed])).toEqual([]);
    expect(tree.length).toBeGreaterThan(1);
  });

  it('finishes the PDF whose browser was killed under it, and the ones after it', async () => {
    await renderer.render(source);
    const killed = renderer.browserPid ?? 0;
    const rendering = renderer.render(documentSource(sampleStatement(400)));
    const queued = [renderer.render(source), renderer.render(source)];
    expect(renderer.load).toEqual({ rendering: 2, waiting: 1 });
    process.kill(killed, 'SIGKILL');
    expect(isPdf(await rendering)).toBe(true);
    expect((await Promise.all(queued)).every(isPdf)).toBe(true);
    expect(renderer.browserPid).not.toBe(killed);
    expect(isPdf(await renderer.render(source))).toBe(true);
  });

  it('stops: running PDFs finish, queued ones are refused, and no Chromium process is left', async () => {
    const stopping = new PdfRenderer({ chromiumPath: CHROMIUM, concurrency: 1 }, silent);
    await stopping.render(source);
    const tree = await processTree(stopping.browserPid ?? 0);
    expect(tree.length).toBeGreaterThan(1);
    const running = stopping.render(source);
    const queued = failureOf(stopping.render(source));
    await stopping.close();
    expect(isPdf(await running)).toBe(true);
    expect(await queued).toMatchObject({ status: 503, retryAfterSeconds: 5 });
    expect(await stillRunning(tree)).toEqual([]);
    expect(await failureOf(stopping.render(source))).toMatchObject({ status: 503 });
  });
});

describe('without Chromium', () => {
  it('refuses to render with a 503 that names the install step', async () => {
    const renderer = new PdfRenderer({ chromiumPath: MISSING, concurrency: 1 }, silent);
    const error = await failureOf(renderDocumentPdf(renderer, sampleStatement(1)));
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect((error as AppError).detail).toContain(`\`${CHROMIUM_INSTALL_STEP}\``);
    expect((error as AppError).detail).toContain(MISSING);
    // Nothing was started, so a second attempt says the same (Chromium may be installed by then).
    expect(await failureOf(renderer.render(source))).toMatchObject({ status: 503 });
    await renderer.close();
  });

  describe('over HTTP', () => {
    let database: TestDatabase;
    let deps: AppDeps;
    let server: FastifyInstance;
    let baseUrl: string;

    beforeAll(async () => {
      database = await createTestDatabase();
      const config = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        JWT_KEYS: `test-key:${randomBytes(32).toString('hex')}`,
        IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        PDF_CHROMIUM_PATH: MISSING,
      });
      deps = await createAppDeps(config, database, createLogger(config));
      server = await buildServer(deps);
      // What a domain's PDF download route does: render, and let a failure become its problem.
      server.get('/test/statement.pdf', async (_request, reply) =>
        reply.type('application/pdf').send(await renderDocumentPdf(deps.pdf, sampleStatement(3))),
      );
      baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await server.close();
      await closeAppDeps(deps);
      await database.drop();
    });

    it('answers a PDF download with a problem+json 503 naming the install step', async () => {
      const response = await fetch(`${baseUrl}/test/statement.pdf`);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as Record<string, unknown>;
      expect(problem).toMatchObject({
        status: 503,
        title: 'Service unavailable',
        code: 'service_unavailable',
      });
      expect(problem.detail).toContain('apt-get install -y chromium');
      expect(problem.detail).toContain('PDF_CHROMIUM_PATH');
    });
  });
});

describe("the app's renderer", () => {
  it("is part of the app's deps and stops with them, leaving no Chromium process", async () => {
    const platform = await createTestPlatform();
    const pdf = await renderDocumentPdf(platform.deps.pdf, sampleStatement(3));
    expect(isPdf(pdf)).toBe(true);
    const tree = await processTree(platform.deps.pdf.browserPid ?? 0);
    expect(tree.length).toBeGreaterThan(1);
    await platform.close();
    expect(await stillRunning(tree)).toEqual([]);
  });
});
