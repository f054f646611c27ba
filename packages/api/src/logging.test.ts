import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildServer } from './http/server';
import { createLogger, redactUrl } from './logging';
import { createTestPlatform, http, type TestPlatform } from './testing';
import { t } from './trpc/init';
import { publicProcedure } from './trpc/procedures';

describe('request URLs in logs', () => {
  it('hides pay tokens, stream tickets and card codes, and keeps the rest', () => {
    expect(redactUrl('/api/session/AbC-123_xyz/start-payment')).toBe('/api/session/[redacted]/start-payment');
    expect(redactUrl('/pay/AbC-123_xyz?payment=success')).toBe('/pay/[redacted]?payment=success');
    expect(redactUrl('/api/events/stream?token=t0k3n&lastEventId=9')).toBe(
      '/api/events/stream?token=[redacted]&lastEventId=9',
    );
    expect(redactUrl('/api/cards/ABCD-EFGH-JKLM-NPQR-STUV/activate')).toBe('/api/cards/[redacted]/activate');
    expect(redactUrl('/api/orders?q=anna&limit=5')).toBe('/api/orders?q=anna&limit=5');
  });
});

describe('request logs', () => {
  interface Line {
    level: number;
    msg: string;
    traceId?: string;
    method?: string;
    url?: string;
    status?: number;
    ms?: number;
    [key: string]: unknown;
  }
  const SLOW_MS = 50;
  const procedures = t.router({
    talk: publicProcedure
      .meta({ openapi: { method: 'POST', path: '/test/talk', protect: false } })
      .input(z.object({}))
      .output(z.object({}))
      .mutation(({ ctx }) => {
        ctx.logger.info({ step: 'inside' }, 'a line from a procedure');
        return {};
      }),
    slow: publicProcedure
      .meta({ openapi: { method: 'GET', path: '/test/slow', protect: false } })
      .input(z.object({}))
      .output(z.object({}))
      .query(async () => {
        await new Promise((resolve) => setTimeout(resolve, SLOW_MS + 20));
        return {};
      }),
    crash: publicProcedure
      .meta({ openapi: { method: 'POST', path: '/test/crash', protect: false } })
      .input(z.object({}))
      .output(z.object({}))
      .mutation(() => {
        throw new Error('a bug');
      }),
  });
  let platform: TestPlatform;
  let server: FastifyInstance;
  let baseUrl: string;
  let lines: Line[] = [];

  beforeAll(async () => {
    platform = await createTestPlatform();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Line);
        done();
      },
    });
    const config = { ...platform.deps.config, logLevel: 'info', slowRequestMs: SLOW_MS };
    server = await buildServer(
      { ...platform.deps, config, logger: createLogger(config, 'ipay', sink) },
      { router: procedures },
    );
    baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close();
    await platform.close();
  });

  it('writes one line per answered request, and the trace id on every line a request writes', async () => {
    lines = [];
    const answers = [
      await http(baseUrl, 'GET', '/healthz'),
      await http(baseUrl, 'POST', '/test/talk', { body: {} }),
      await http(baseUrl, 'POST', '/trpc/talk', { body: {} }),
      await http(baseUrl, 'GET', '/no/such/route'),
      await http(baseUrl, 'POST', '/test/crash', { body: {} }),
      await http(baseUrl, 'GET', '/api/events/stream?token=s3cret-ticket'),
    ];
    const traceIds = answers.map((res) => res.headers.get('x-trace-id'));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 404, 500, 401]);
    expect(lines.length).toBeGreaterThan(answers.length);
    for (const line of lines) expect(traceIds).toContain(line.traceId);
    for (const [index, res] of answers.entries()) {
      const own = lines.filter((line) => line.traceId === traceIds[index]);
      const answered = own.filter((line) => line.msg === 'request answered');
      expect(answered).toEqual([expect.objectContaining({ status: res.status, ms: expect.any(Number) })]);
    }
    expect(lines.filter((line) => line.msg === 'a line from a procedure')).toHaveLength(2);
    expect(lines.find((line) => line.status === 404)).toMatchObject({ method: 'GET', url: '/no/such/route' });
    // A failure: its cause on an error line with the stack, its answer on a warn line.
    const crashed = lines.filter((line) => line.traceId === traceIds[4]);
    expect(crashed.map((line) => [line.level, line.msg])).toEqual([
      [50, 'request failed'],
      [40, 'request answered'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('s3cret-ticket');
  });

  it('logs a request slower than LOG_SLOW_REQUEST_MS at warn, a fast one at info', async () => {
    lines = [];
    await http(baseUrl, 'GET', '/test/slow');
    await http(baseUrl, 'GET', '/healthz');
    expect(lines.map((line) => [line.url, line.level])).toEqual([
      ['/test/slow', 40],
      ['/healthz', 30],
    ]);
  });
});
