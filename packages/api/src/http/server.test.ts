import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, http, type TestPlatform } from '../testing';

describe('HTTP server', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { CORS_ORIGINS: 'https://merchant.example' } });
  });
  afterAll(() => platform.close());

  it('reports liveness and readiness with current migrations', async () => {
    expect((await http(platform.baseUrl, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await http(platform.baseUrl, 'GET', '/readyz')).body).toEqual({
      status: 'ready',
      migrations: 'current',
    });
  });

  it('is not ready when a migration is pending', async () => {
    await platform.database.db.deleteFrom('kysely_migration' as never).execute();
    try {
      const res = await http(platform.baseUrl, 'GET', '/readyz');
      expect(res.status).toBe(503);
      expect(res.body.detail).toContain('Pending migrations: 2026_11_22_000001_foundation');
    } finally {
      await platform.database.db
        .insertInto('kysely_migration' as never)
        .values({ name: '2026_11_22_000001_foundation', timestamp: new Date().toISOString() })
        .execute();
    }
  });

  it('sends a trace id header and security headers on every response', async () => {
    const res = await http(platform.baseUrl, 'GET', '/healthz');
    expect(res.headers.get('x-trace-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('allows only the configured CORS origins', async () => {
    const preflight = (origin: string) =>
      http(platform.baseUrl, 'OPTIONS', '/api/auth/login', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect((await preflight('https://merchant.example')).headers.get('access-control-allow-origin')).toBe(
      'https://merchant.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('treats a bodiless JSON POST as empty input and names the missing fields', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      headers: { 'content-type': 'application/json' },
      rawBody: '',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['email', 'password']);
  });
});
