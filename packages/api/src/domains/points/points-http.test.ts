import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  earnTestPoints,
  http,
  signInTestConsumer,
  type TestPlatform,
} from '../../testing';

describe('points over REST', () => {
  let platform: TestPlatform;
  let adminToken: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    adminToken = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => platform.close());

  const redeem = (token: string, body: unknown, key?: string) =>
    http(platform.baseUrl, 'POST', '/api/points/redeem', {
      token,
      body,
      headers: key ? { 'idempotency-key': key } : {},
    });

  it('shows a paid order’s points in GET /api/points/me, paginated, and redeems them', async () => {
    const { email, consumer } = await earnTestPoints(platform, { prefix: 'rest', orders: 2 });

    const first = await http(platform.baseUrl, 'GET', '/api/points/me?limit=1', { token: consumer.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ email, availablePoints: 98, nextExpiry: { points: 98 } });
    expect(first.body.history.items).toMatchObject([{ kind: 'earned', points: 49 }]);
    const next = await http(
      platform.baseUrl,
      'GET',
      `/api/points/me?limit=1&cursor=${first.body.history.nextCursor}`,
      { token: consumer.token },
    );
    expect(next.body.history).toMatchObject({ items: [{ kind: 'earned' }], nextCursor: null });
    expect(next.body.history.items[0].id).not.toBe(first.body.history.items[0].id);

    const key = randomUUID();
    const redeemed = await redeem(consumer.token, { points: 40 }, key);
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({
      points: 40,
      amountMinor: 40,
      currency: 'EUR',
      availablePoints: 58,
    });
    expect((await redeem(consumer.token, { points: 40 }, key)).body.id).toBe(redeemed.body.id);
    const wallet = await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: consumer.token });
    expect(wallet.body.balances).toMatchObject([{ currency: 'EUR', availableMinor: 40 }]);
  });

  it('answers too few points, a missing key and a bad body with problems naming the field', async () => {
    const consumer = await signInTestConsumer(platform);
    const poor = await redeem(consumer.token, { points: 1 }, randomUUID());
    expect(poor.status).toBe(422);
    expect(poor.headers.get('content-type')).toContain('application/problem+json');
    expect(poor.body).toMatchObject({ code: 'insufficient_points', errors: [{ field: 'points' }] });
    const noKey = await redeem(consumer.token, { points: 1 });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0].field).toBe('Idempotency-Key');
    const bad = await redeem(consumer.token, { points: 0 }, randomUUID());
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('points');
    const badKind = await http(platform.baseUrl, 'GET', '/api/points/me?kind=stolen', {
      token: consumer.token,
    });
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors[0].field).toBe('kind');
  });

  it('takes only a consumer token for a consumer’s points, and staff tokens for rules', async () => {
    expect((await http(platform.baseUrl, 'GET', '/api/points/me')).status).toBe(401);
    const staff = await http(platform.baseUrl, 'GET', '/api/points/me', { token: adminToken });
    expect(staff.status).toBe(401);
    expect(staff.body.code).toBe('consumer_token_required');
    const consumer = await signInTestConsumer(platform);
    expect((await http(platform.baseUrl, 'GET', '/api/points/rule', { token: consumer.token })).status).toBe(
      401,
    );
  });

  it('lets a merchant set its own rule and operators any rule, each with a reason', async () => {
    const merchant = await createTestMerchant(platform);
    const body = { pointsPerUnit: 2, bonusPerOrder: 10, validityDays: 90, reason: 'launch offer' };
    const set = await http(platform.baseUrl, 'PUT', '/api/points/rule', { token: merchant.token, body });
    expect(set.status).toBe(200);
    expect(set.body.current).toMatchObject({ ...body, merchantId: merchant.user.organization.id });
    const noReason = await http(platform.baseUrl, 'PUT', '/api/points/rule', {
      token: merchant.token,
      body: { ...body, reason: ' ' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const notTheirs = await http(platform.baseUrl, 'GET', '/api/admin/points/rule', {
      token: merchant.token,
    });
    expect(notTheirs.status).toBe(403);

    const path = `/api/admin/points/rules/${merchant.user.organization.id}`;
    const read = await http(platform.baseUrl, 'GET', path, { token: adminToken });
    expect(read.body.current).toMatchObject(body);
    const unknown = await http(platform.baseUrl, 'GET', `/api/admin/points/rules/${randomUUID()}`, {
      token: adminToken,
    });
    expect(unknown.status).toBe(404);
    const notUuid = await http(platform.baseUrl, 'GET', '/api/admin/points/rules/shop-1', {
      token: adminToken,
    });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors[0].field).toBe('merchantId');
    const platformRule = await http(platform.baseUrl, 'GET', '/api/admin/points/rule', { token: adminToken });
    expect(platformRule.body.current).toMatchObject({ redeemCurrency: 'EUR', redeemMinorPerPoint: 1 });
    const missingRate = await http(platform.baseUrl, 'PUT', '/api/admin/points/rule', {
      token: adminToken,
      body,
    });
    expect(missingRate.status).toBe(400);
    expect(missingRate.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'redeemCurrency',
      'redeemMinorPerPoint',
    ]);
  });
});
