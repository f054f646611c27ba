import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestMerchant, createTestPlatform, http, orderBody, type TestPlatform } from '../testing';
import { t } from '../trpc/init';
import { publicProcedure } from '../trpc/procedures';
import { MAX_JSON_DEPTH } from './json-depth';
import { buildServer } from './server';

const PROBLEM = 'application/problem+json';

let platform: TestPlatform;
let token: string;
beforeAll(async () => {
  platform = await createTestPlatform();
  token = (await createTestMerchant(platform)).token;
});
afterAll(() => platform.close());

async function orderCount(): Promise<number> {
  const row = await platform.database.db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function expectProblem(
  res: { status: number; headers: Headers; body: any },
  status: number,
  field?: string,
): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain(PROBLEM);
  expect(res.body.traceId).toBe(res.headers.get('x-trace-id'));
  if (field) expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
}

/** tRPC answers in its envelope, with the problem in `error.data.problem`. */
function trpcProblem(body: any): any {
  return (Array.isArray(body) ? body[0] : body).error.data.problem;
}

/** Sends bytes no fetch client would, on a raw socket, and returns the raw answer. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('text PostgreSQL cannot store', () => {
  it('refuses a NUL in a nested REST body field, naming it, and stores nothing', async () => {
    const before = await orderCount();
    const items = [{ sku: 'A\u0000B', name: 'x', quantity: 1, unit_price_minor: 100 }];
    const res = await http(platform.baseUrl, 'POST', '/api/orders', { token, body: orderBody({ items }) });
    expectProblem(res, 400, 'items.0.sku');
    expect(res.body.errors[0].message).toContain('NUL');
    expect(await orderCount()).toBe(before);
  });

  it('refuses a NUL in an object key and a lone surrogate in a value', async () => {
    const key = await http(platform.baseUrl, 'POST', '/api/orders', {
      token,
      body: { ...orderBody(), ['note\u0000']: 'x' },
    });
    expectProblem(key, 400, 'note\u0000');
    const surrogate = await http(platform.baseUrl, 'POST', '/api/orders', {
      token,
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify(orderBody()).replace('Anna', '\\ud800'),
    });
    expectProblem(surrogate, 400, 'customer.name');
    expect(surrogate.body.errors[0].message).toContain('surrogate');
  });

  it('refuses %00 in REST query and path parameters, naming them', async () => {
    expectProblem(await http(platform.baseUrl, 'GET', '/api/orders?q=a%00', { token }), 400, 'query.q');
    const path = await http(
      platform.baseUrl,
      'GET',
      '/api/benefit-cards/orders/by-external-transaction-id/x%00y',
      { token },
    );
    expectProblem(path, 400, 'path.externalTransactionId');
  });

  it('refuses %00 in a plain route parameter before the route runs', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/integrations/shopify/webhook?integration=%00', {
      rawBody: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'query.integration');
  });

  it('refuses a NUL in tRPC bodies, ?input= and batches, in the tRPC envelope', async () => {
    const body = await http(platform.baseUrl, 'POST', '/trpc/orders.create', {
      token,
      body: orderBody({ merchant_reference: 'A\u0000' }),
    });
    expect(body.status).toBe(400);
    expect(trpcProblem(body.body)).toMatchObject({
      status: 400,
      errors: [{ field: 'merchant_reference' }],
      traceId: body.headers.get('x-trace-id'),
    });
    const input = encodeURIComponent(JSON.stringify({ q: 'a\u0000' }));
    const query = await http(platform.baseUrl, 'GET', `/trpc/orders.list?input=${input}`, { token });
    expect(query.status).toBe(400);
    expect(trpcProblem(query.body).errors).toEqual([expect.objectContaining({ field: 'q' })]);
    const batch = encodeURIComponent(JSON.stringify({ 0: { q: 'a\u0000' } }));
    const batched = await http(platform.baseUrl, 'GET', `/trpc/orders.list?batch=1&input=${batch}`, {
      token,
    });
    expect(batched.status).toBe(400);
    expect(trpcProblem(batched.body).errors).toEqual([expect.objectContaining({ field: '0.q' })]);
  });

  it('refuses a control character in a header before any route, as a problem', async () => {
    const answer = await rawRequest(
      Number(new URL(platform.baseUrl).port),
      'POST /api/orders HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\u0000b\r\nContent-Length: 2\r\n\r\n{}',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain(`Content-Type: ${PROBLEM}`);
    expect(answer).toMatch(/"traceId":"[0-9a-f-]{36}"/);
  });
});

describe('deep nesting', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it(`refuses REST and tRPC bodies nested deeper than ${MAX_JSON_DEPTH} levels, stating the limit`, async () => {
    const rest = await http(platform.baseUrl, 'POST', '/api/orders', {
      token,
      headers: { 'content-type': 'application/json' },
      rawBody: `{"items":${deep(50_000)}}`,
    });
    expectProblem(rest, 400, 'body');
    expect(rest.body.detail).toContain(String(MAX_JSON_DEPTH));
    const trpc = await http(platform.baseUrl, 'POST', '/trpc/orders.create', {
      token,
      headers: { 'content-type': 'application/json' },
      rawBody: deep(50_000),
    });
    expect(trpc.status).toBe(400);
    expect(trpcProblem(trpc.body).detail).toContain(String(MAX_JSON_DEPTH));
    const query = await http(platform.baseUrl, 'GET', `/trpc/orders.list?input=${deep(2_000)}`, { token });
    expect(query.status).toBe(400);
    expect(trpcProblem(query.body).errors).toEqual([expect.objectContaining({ code: 'too_deep' })]);
  });

  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels, brackets inside strings not counted`, async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/orders', {
      token,
      body: orderBody({ merchant_reference: `R-${'['.repeat(100)}`.slice(0, 60) }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('every answer is problem details', () => {
  it('answers a malformed percent-encoding in the path with a problem', async () => {
    expectProblem(await http(platform.baseUrl, 'GET', '/api/orders/%ZZ', { token }), 400, 'path');
  });

  it('names the content type it got and the ones it accepts in a 415', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/orders', {
      token,
      headers: { 'content-type': 'text/plain' },
      rawBody: 'hello',
    });
    expectProblem(res, 415);
    expect(res.body.detail).toContain('"text/plain"');
    expect(res.body.detail).toContain('application/json');
    const upload = await http(platform.baseUrl, 'POST', '/api/orders/upload', {
      token,
      headers: { 'content-type': 'text/csv' },
      rawBody: 'a,b',
    });
    expectProblem(upload, 415);
    expect(upload.body.detail).toContain('multipart/form-data');
  });

  it('answers over-long headers with a problem', async () => {
    const answer = await rawRequest(
      Number(new URL(platform.baseUrl).port),
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain(PROBLEM);
  });
});

describe('a 500', () => {
  const crashing = t.router({
    crash: publicProcedure
      .meta({ openapi: { method: 'POST', path: '/test/crash', protect: false } })
      .input(z.object({}))
      .output(z.object({}))
      .mutation(() => {
        throw new Error('relation "secret_table" does not exist');
      }),
  });
  const lines: Array<{ traceId?: string; msg?: string; level?: number }> = [];
  let server: FastifyInstance;
  let baseUrl: string;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as (typeof lines)[number]);
        done();
      },
    });
    // A key store that fails makes the request context itself fail: the error comes before tRPC has one.
    const keysById = {
      get: () => {
        throw new Error('key store unreachable');
      },
    } as unknown as Map<string, never>;
    const deps = {
      ...platform.deps,
      keyring: { ...platform.deps.keyring, keysById },
      logger: pino({ level: 'error' }, sink),
    };
    server = await buildServer(deps, { router: crashing });
    baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  it('is logged under its trace id and quotes that id, on REST and tRPC, before and in the procedure', async () => {
    const answers = [
      await http(baseUrl, 'POST', '/test/crash', { body: {} }),
      await http(baseUrl, 'POST', '/trpc/crash', { body: {} }),
      await http(baseUrl, 'POST', '/test/crash', { body: {}, token }),
      await http(baseUrl, 'POST', '/trpc/crash', { body: {}, token }),
    ];
    for (const res of answers) {
      const problem: unknown = res.headers.get('content-type')?.includes(PROBLEM)
        ? res.body
        : trpcProblem(res.body);
      const traceId = res.headers.get('x-trace-id') ?? 'none';
      expect(res.status).toBe(500);
      expect(problem).toMatchObject({ traceId, detail: expect.stringContaining(traceId) });
      expect(JSON.stringify(problem)).not.toMatch(/secret_table|key store/);
      expect(lines.filter((line) => line.traceId === traceId && line.level === 50)).toHaveLength(1);
    }
  });
});

describe('typed bodies and parameters', () => {
  it.each([
    ['ipay_flag', { ipay_flag: 'no' }],
    ['shipping_minor', { shipping_minor: '3' }],
    ['items.0.quantity', { items: [{ sku: 'A', name: 'A', quantity: '3', unit_price_minor: 100 }] }],
  ])(
    'refuses a string where the body declares a number or boolean (%s), over REST and then tRPC',
    async (field, overrides) => {
      const before = await orderCount();
      const rest = await http(platform.baseUrl, 'POST', '/api/orders', {
        token,
        body: { ...orderBody(), ...overrides },
      });
      expectProblem(rest, 400, field);
      const trpc = await http(platform.baseUrl, 'POST', '/trpc/orders.create', {
        token,
        body: { ...orderBody(), ...overrides },
      });
      expect(trpcProblem(trpc.body).errors).toEqual([expect.objectContaining({ field })]);
      expect(await orderCount()).toBe(before);
    },
  );

  it('reads integer query parameters in their literal decimal form only', async () => {
    expect((await http(platform.baseUrl, 'GET', '/api/orders?limit=2', { token })).status).toBe(200);
    for (const junk of ['1e1', '%205', '0x5', '-1', '2&limit=3']) {
      const res = await http(platform.baseUrl, 'GET', `/api/orders?limit=${junk}`, { token });
      expectProblem(res, 400, 'limit');
    }
  });

  it('validates plain route parameters by their schema before they reach a query', async () => {
    for (const junk of ['abc', '-1', '[]', `${randomUUID()}&integration=${randomUUID()}`]) {
      const res = await http(
        platform.baseUrl,
        'POST',
        `/api/integrations/shopify/webhook?integration=${junk}`,
        {
          rawBody: '{}',
          headers: { 'content-type': 'application/json' },
        },
      );
      expectProblem(res, 400, 'query.integration');
    }
    const upload = await http(platform.baseUrl, 'GET', '/api/orders/uploads/not-a-uuid/rejected.csv', {
      token,
    });
    expectProblem(upload, 400, 'path.id');
    const stream = await http(platform.baseUrl, 'GET', '/api/events/stream?token=a&token=b');
    expectProblem(stream, 400, 'query.token');
  });
});
