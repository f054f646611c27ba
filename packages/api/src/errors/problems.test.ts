import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from '../router';
import { t } from '../trpc/init';
import { publicProcedure } from '../trpc/procedures';
import {
  createTestMerchant,
  createTestPlatform,
  createTestUser,
  http,
  uniqueEmail,
  type TestPlatform,
} from '../testing';
import { AppError } from './app-error';

/** Procedures that fail on purpose, to prove the mapping for statuses no product endpoint raises yet. */
const failingRouter = t.router({
  unprocessable: publicProcedure
    .meta({ openapi: { method: 'POST', path: '/test/unprocessable', protect: false } })
    .input(z.object({}))
    .output(z.object({}))
    .mutation(() => {
      throw new AppError('unprocessable', 'Row 3 has no postal code.', {
        errors: [{ field: 'rows.3.postalCode', message: 'is required' }],
      });
    }),
  crash: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/test/crash', protect: false } })
    .input(z.void())
    .output(z.object({}))
    .query(() => {
      throw new Error('connection to db-primary.internal:5432 failed for user ipay password=hunter2');
    }),
  badOutput: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/test/bad-output', protect: false } })
    .input(z.void())
    .output(z.object({ amountMinor: z.number().int() }))
    .query(() => ({ amountMinor: 'SELECT * FROM users' as unknown as number })),
});

const PROBLEM_KEYS = ['type', 'title', 'status', 'code', 'detail', 'traceId'];

function expectProblem(
  res: { status: number; headers: Headers; body: any },
  status: number,
  code: string,
): void {
  expect(res.status).toBe(status);
  expect(res.body.code).toBe(code);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(Object.keys(res.body)).toEqual(expect.arrayContaining(PROBLEM_KEYS));
  expect(res.body.status).toBe(status);
  expect(res.body.traceId).toBe(res.headers.get('x-trace-id'));
  expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.ts:\d+/);
}

describe('problem details on every error', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({
      router: t.mergeRouters(appRouter, failingRouter),
      env: { BODY_LIMIT_BYTES: '2048', LOGIN_RATE_LIMIT: '1' },
    });
  });
  afterAll(() => platform.close());

  it('400 lists each invalid field', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { email: 'nope', password: 'short' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'organizationName',
      'name',
      'email',
      'password',
    ]);
  });

  it('400 for a body that is not JSON, and for a malformed Idempotency-Key', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      rawBody: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'validation_failed');
    expect(res.body.errors).toEqual([{ field: 'body', message: 'is not valid JSON', code: 'invalid_json' }]);
    const key = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: {},
      headers: { 'idempotency-key': 'has spaces' },
    });
    expectProblem(key, 400, 'validation_failed');
    expect(key.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('401 without a token', async () => {
    expectProblem(await http(platform.baseUrl, 'GET', '/api/auth/me'), 401, 'unauthenticated');
  });

  it('401 with a domain code for a token that is not ours', async () => {
    const res = await http(platform.baseUrl, 'GET', '/api/auth/me', { token: 'not.a.jwt' });
    expectProblem(res, 401, 'invalid_token');
  });

  it('403 without the permission', async () => {
    const merchant = await createTestMerchant(platform);
    const clerk = await createTestUser(platform, merchant.user.organization.id, ['merchant_user']);
    const res = await http(platform.baseUrl, 'GET', '/api/rbac/roles', { token: clerk.token });
    expectProblem(res, 403, 'forbidden');
    expect(res.body.detail).toBe('This requires the permission roles:read.');
  });

  it('404 for an unknown route and for a row outside the caller’s scope', async () => {
    expectProblem(await http(platform.baseUrl, 'GET', '/api/does-not-exist'), 404, 'not_found');
    const merchant = await createTestMerchant(platform);
    const res = await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${crypto.randomUUID()}/permissions`, {
      token: merchant.token,
      body: { permissions: [] },
    });
    expectProblem(res, 404, 'not_found');
  });

  it('409 for a conflict', async () => {
    const body = { organizationName: 'A', name: 'B', email: uniqueEmail(), password: 'long enough pw' };
    await http(platform.baseUrl, 'POST', '/api/auth/register', { body });
    expectProblem(await http(platform.baseUrl, 'POST', '/api/auth/register', { body }), 409, 'email_taken');
  });

  it('413 when the body exceeds the configured limit', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      body: { email: 'a@b.co', password: 'x'.repeat(5000) },
    });
    expectProblem(res, 413, 'payload_too_large');
    expect(res.body.detail).toContain('2048 bytes');
  });

  it('422 for well-formed but unprocessable input', async () => {
    const res = await http(platform.baseUrl, 'POST', '/test/unprocessable', { body: {} });
    expectProblem(res, 422, 'unprocessable');
    expect(res.body.errors).toEqual([{ field: 'rows.3.postalCode', message: 'is required' }]);
  });

  it('429 with Retry-After when rate-limited', async () => {
    const body = { email: uniqueEmail(), password: 'whatever' };
    await http(platform.baseUrl, 'POST', '/api/auth/login', { body });
    const res = await http(platform.baseUrl, 'POST', '/api/auth/login', { body });
    expectProblem(res, 429, 'rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('500 hides the internal message, for thrown errors and invalid output alike', async () => {
    for (const path of ['/test/crash', '/test/bad-output']) {
      const res = await http(platform.baseUrl, 'GET', path);
      expectProblem(res, 500, 'internal');
      expect(res.body.detail).toBe(
        `An unexpected error occurred. Quote trace id ${res.body.traceId} to support.`,
      );
      expect(JSON.stringify(res.body)).not.toMatch(/hunter2|db-primary|SELECT/);
    }
  });

  it('carries the same problem on the tRPC surface, with a matching HTTP status', async () => {
    const res = await http(platform.baseUrl, 'GET', '/trpc/auth.me');
    expect(res.status).toBe(401);
    expect(res.body.error.data.code).toBe('UNAUTHORIZED');
    expect(res.body.error.data.problem).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      title: 'Authentication required',
      traceId: res.headers.get('x-trace-id'),
    });
    const crash = await http(platform.baseUrl, 'GET', '/trpc/crash');
    expect(crash.status).toBe(500);
    expect(JSON.stringify(crash.body)).not.toMatch(/hunter2|stack/);
  });

  it('uses a well-formed incoming x-request-id as the trace id', async () => {
    const res = await http(platform.baseUrl, 'GET', '/api/auth/me', {
      headers: { 'x-request-id': 'caller-trace-12345' },
    });
    expect(res.body.traceId).toBe('caller-trace-12345');
    const ignored = await http(platform.baseUrl, 'GET', '/api/auth/me', {
      headers: { 'x-request-id': 'bad id <script>' },
    });
    expect(ignored.body.traceId).not.toContain('script');
  });
});
