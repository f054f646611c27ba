import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  TEST_PASSWORD,
  uniqueEmail,
  type TestPlatform,
} from '../testing';
import { purgeExpiredIdempotencyKeys } from './idempotency';

describe('Idempotency-Key', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const registration = () => ({
    organizationName: 'Retry BV',
    name: 'Rita Retry',
    email: uniqueEmail('retry'),
    password: TEST_PASSWORD,
  });

  it('replays the first response for the same key and body, creating nothing twice', async () => {
    const body = registration();
    const headers = { 'idempotency-key': `register-${body.email}` };
    const first = await http(platform.baseUrl, 'POST', '/api/auth/register', { body, headers });
    const second = await http(platform.baseUrl, 'POST', '/api/auth/register', { body: { ...body }, headers });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    const users = await platform.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', body.email)
      .execute();
    expect(users).toHaveLength(1);
  });

  it('treats the same fields in another order as the same request', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = { 'idempotency-key': 'role-order-test' };
    const a = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      headers: { ...headers, 'content-type': 'application/json' },
      rawBody: '{"name":"Pickers","description":"warehouse"}',
    });
    const b = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      headers: { ...headers, 'content-type': 'application/json' },
      rawBody: '{"description":"warehouse","name":"Pickers"}',
    });
    expect(b.body.id).toBe(a.body.id);
  });

  it('replays nothing to a caller who is no longer signed in as an active user', async () => {
    const merchant = await createTestMerchant(platform);
    const request = {
      token: merchant.token,
      headers: { 'idempotency-key': 'disabled-replay' },
      body: { name: 'Packers', description: 'warehouse' },
    };
    const first = await http(platform.baseUrl, 'POST', '/api/rbac/roles', request);
    expect(first.status).toBe(200);
    await platform.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', merchant.user.id)
      .execute();
    // A change made by hand reaches the process's cached actors by a notification that may come a moment later.
    platform.deps.actors.forget(merchant.user.id);
    const replay = await http(platform.baseUrl, 'POST', '/api/rbac/roles', request);
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toBe('This account no longer exists or is disabled.');
  });

  it('answers 409 when the key is reused with a different body', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = { 'idempotency-key': 'same-key' };
    await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      headers,
      body: { name: 'One' },
    });
    const res = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      headers,
      body: { name: 'Two' },
    });
    expect(res.status).toBe(409);
    expect(res.body.errors[0]).toMatchObject({ field: 'Idempotency-Key', code: 'idempotency_key_reused' });
  });

  it('keeps keys apart per caller', async () => {
    const a = await createTestMerchant(platform);
    const b = await createTestMerchant(platform);
    const headers = { 'idempotency-key': 'shared-key' };
    const first = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: a.token,
      headers,
      body: { name: 'Mine' },
    });
    const second = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: b.token,
      headers,
      body: { name: 'Mine' },
    });
    expect(second.status).toBe(200);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('forgets a failed request so the same key can be retried with a corrected body', async () => {
    const body = registration();
    const headers = { 'idempotency-key': `retry-after-failure-${body.email}` };
    const bad = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { ...body, password: 'short' },
      headers,
    });
    expect(bad.status).toBe(400);
    const stored = await platform.database.db
      .selectFrom('idempotency_keys')
      .select('key')
      .where('key', '=', headers['idempotency-key'])
      .execute();
    expect(stored).toEqual([]);
    const corrected = await http(platform.baseUrl, 'POST', '/api/auth/register', { body, headers });
    expect(corrected.status).toBe(200);
  });

  it('expires keys after 24 hours and purges them', async () => {
    const merchant = await createTestMerchant(platform);
    const headers = { 'idempotency-key': 'expiring' };
    const first = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      headers,
      body: { name: 'Old' },
    });
    const stored = await platform.database.db
      .selectFrom('idempotency_keys')
      .select(sql<number>`extract(epoch from expires_at - created_at)::int`.as('ttl'))
      .where('key', '=', 'expiring')
      .executeTakeFirstOrThrow();
    expect(stored.ttl).toBe(24 * 3600);
    await platform.database.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('key', '=', 'expiring')
      .execute();
    const afterExpiry = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      headers,
      body: { name: 'New' },
    });
    expect(afterExpiry.status).toBe(200);
    expect(afterExpiry.body.id).not.toBe(first.body.id);
    await platform.database.db
      .updateTable('idempotency_keys')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect(await purgeExpiredIdempotencyKeys(platform.database.db)).toBeGreaterThan(0);
    expect(await platform.database.db.selectFrom('idempotency_keys').select('key').execute()).toEqual([]);
  });
});
