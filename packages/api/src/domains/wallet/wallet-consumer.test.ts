import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';

describe('the consumer’s wallet over REST', () => {
  let platform: TestPlatform;
  let adminToken: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    adminToken = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => platform.close());

  const credit = (email: string, amountMinor: number) =>
    http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
      token: adminToken,
      body: { email, amountMinor, currency: 'EUR', reason: 'welcome' },
      headers: { 'idempotency-key': randomUUID() },
    });
  const transfer = (token: string, body: unknown, key?: string) =>
    http(platform.baseUrl, 'POST', '/api/wallet/transfer', {
      token,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('sends money to someone who has not signed in yet, who finds it on signing in', async () => {
    const ann = await signInTestConsumer(platform);
    expect((await credit(ann.email, 2000)).status).toBe(200);
    const bobEmail = uniqueEmail('bob');
    const key = randomUUID();
    const body = { to: bobEmail.toUpperCase(), amount: 750, currency: 'EUR', note: 'half the pizza' };
    const sent = await transfer(ann.token, body, key);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ kind: 'transfer', state: 'posted', from: ann.email, to: bobEmail });

    const retried = await transfer(ann.token, body, key);
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(sent.body.id);
    const reused = await transfer(ann.token, { ...body, amount: 751 }, key);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');

    const mine = await http(platform.baseUrl, 'GET', '/api/wallet/balance?limit=1', { token: ann.token });
    expect(mine.status).toBe(200);
    expect(mine.body.balances).toEqual([
      { currency: 'EUR', availableMinor: 1250, pendingMinor: 0, incomingMinor: 0, postedMinor: 1250 },
    ]);
    expect(mine.body.transfers.items).toMatchObject([{ id: sent.body.id, direction: 'out' }]);
    expect(mine.body.transfers.nextCursor).not.toBeNull();

    const bob = await signInTestConsumer(platform, bobEmail);
    const bobs = await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: bob.token });
    expect(bobs.body.balances[0]).toMatchObject({ availableMinor: 750 });
    expect(bobs.body.transfers.items).toMatchObject([
      { id: sent.body.id, direction: 'in', note: 'half the pizza' },
    ]);
  });

  it('answers insufficient funds, a missing key and a bad body with problems naming the field', async () => {
    const ann = await signInTestConsumer(platform);
    await credit(ann.email, 100);
    const poor = await transfer(ann.token, { to: uniqueEmail(), amount: 101, currency: 'EUR' }, randomUUID());
    expect(poor.status).toBe(422);
    expect(poor.headers.get('content-type')).toContain('application/problem+json');
    expect(poor.body).toMatchObject({ code: 'insufficient_funds', errors: [{ field: 'amount' }] });
    const noKey = await transfer(ann.token, { to: uniqueEmail(), amount: 1, currency: 'EUR' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].field).toBe('Idempotency-Key');
    const bad = await transfer(ann.token, { to: 'not-an-address', amount: 0, currency: 'eur' }, randomUUID());
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'amount',
      'currency',
      'to',
    ]);
    const self = await transfer(ann.token, { to: ann.email, amount: 1, currency: 'EUR' }, randomUUID());
    expect(self.status).toBe(422);
    const after = await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: ann.token });
    expect(after.body.balances[0].availableMinor).toBe(100);
  });

  it('takes only a consumer token', async () => {
    expect((await http(platform.baseUrl, 'GET', '/api/wallet/balance')).status).toBe(401);
    const staff = await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: adminToken });
    expect(staff.status).toBe(401);
    expect(staff.body.code).toBe('consumer_token_required');
    const ann = await signInTestConsumer(platform);
    const asConsumer = await http(platform.baseUrl, 'GET', '/api/admin/wallet/ledger-check', {
      token: ann.token,
    });
    expect(asConsumer.status).toBe(401);
  });
});
