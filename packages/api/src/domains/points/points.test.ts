import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@ipay/db';
import {
  appErrorOf,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  earnTestPoints,
  http,
  payTestOrder,
  relayTestEvents,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { DomainEvent } from '../events/schemas';
import { getWalletBalance } from '../wallet/service/balance';
import type { EarnRuleInput } from './schemas';
import { getMyPoints } from './service/balance';
import { expiryOf, pointsOnSessionEvents } from './service/earning';
import { expireDuePoints } from './service/expiry';

/** The default order is 49.93 EUR: 49 points by the installed platform rule (1 per euro, 365 days). */
const DEFAULT_ORDER_POINTS = 49;

const rule = (over: Partial<EarnRuleInput> = {}): EarnRuleInput => ({
  pointsPerUnit: 1,
  bonusPerOrder: 0,
  validityDays: 365,
  reason: 'test rule',
  ...over,
});

describe('points', () => {
  let platform: TestPlatform;
  let db: Db;
  let adminToken: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    db = platform.database.db;
    adminToken = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => platform.close());

  const lotsOf = (email: string) =>
    db
      .selectFrom('points_lots')
      .select(['id', 'session_id', 'points', 'remaining', 'spent', 'state', 'expires_at'])
      .where('owner_email', '=', email)
      .orderBy('earned_at')
      .execute();

  const eventsOf = async (type: string, sessionId: string): Promise<DomainEvent[]> => {
    const rows = await db
      .selectFrom('domain_events')
      .selectAll()
      .where('type', '=', type)
      .where('resource_id', '=', sessionId)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      sequence: row.sequence,
      organizationId: row.organization_id,
      occurredAt: row.occurred_at.toISOString(),
      data: row.payload as Record<string, unknown>,
    }));
  };

  const redeem = (token: string, points: number, key = randomUUID()) =>
    platform.caller({ token, headers: { 'idempotency-key': key } }).points.redeem({ points });

  describe('earning', () => {
    it('credits a paid order’s points to its address, before the consumer ever signed in, once per session', async () => {
      const email = uniqueEmail('earner');
      const { sessionId, orderId } = await payTestOrder(platform, { email: email.toUpperCase() });
      expect(await lotsOf(email)).toEqual([]);
      await relayTestEvents(platform);

      const [lot] = await lotsOf(email);
      expect(lot).toMatchObject({ session_id: sessionId, points: DEFAULT_ORDER_POINTS, state: 'active' });
      const paid = await eventsOf('session.paid', sessionId);
      expect(lot?.expires_at).toEqual(expiryOf(new Date(paid[0]?.occurredAt ?? ''), 365));

      // The relay is at-least-once: the same event handed over again earns nothing more.
      await db.transaction().execute((trx) => pointsOnSessionEvents(trx, paid));
      expect(await lotsOf(email)).toHaveLength(1);

      const consumer = await signInTestConsumer(platform, email);
      const mine = await platform.caller({ token: consumer.token }).points.me({ limit: 50 });
      expect(mine).toMatchObject({
        email,
        availablePoints: DEFAULT_ORDER_POINTS,
        nextExpiry: { points: DEFAULT_ORDER_POINTS, expiresAt: lot?.expires_at.toISOString() },
        redemption: { currency: 'EUR', minorPerPoint: 1 },
      });
      expect(mine.history.items).toMatchObject([
        { kind: 'earned', points: DEFAULT_ORDER_POINTS, orderId, shortfall: 0 },
      ]);
      const earned = await db
        .selectFrom('domain_events')
        .select(['organization_id', 'payload'])
        .where('type', '=', 'points.earned')
        .where('resource_id', '=', lot?.id ?? '')
        .execute();
      expect(earned).toEqual([
        {
          organization_id: null,
          payload: expect.objectContaining({ email, sessionId, points: DEFAULT_ORDER_POINTS }),
        },
      ]);
    });

    it('earns by the merchant’s rule where it has one, else by the platform’s', async () => {
      const merchant = await createTestMerchant(platform);
      const shop = platform.caller({ token: merchant.token });
      const before = await shop.pointsMerchant.rule();
      expect(before.current).toBeNull();
      expect(before.effective).toMatchObject({ merchantId: null, pointsPerUnit: 1 });

      const set = await shop.pointsMerchant.setRule(
        rule({ pointsPerUnit: 10, bonusPerOrder: 5, validityDays: 30 }),
      );
      expect(set.current).toMatchObject({ merchantId: merchant.user.organization.id, pointsPerUnit: 10 });
      expect(set.effective).toEqual(set.current);

      const email = uniqueEmail('loyal');
      await payTestOrder(platform, { email, merchant });
      await payTestOrder(platform, { email });
      await relayTestEvents(platform);
      const out = await getMyPoints(db, { email, page: { limit: 50 } });
      expect(out.availablePoints).toBe(49 * 10 + 5 + DEFAULT_ORDER_POINTS);
      expect(out.nextExpiry?.points).toBe(495);

      const admin = platform.caller({ token: adminToken });
      const seen = await admin.pointsAdmin.merchantRule({ merchantId: merchant.user.organization.id });
      expect(seen.history.map((r) => r.pointsPerUnit)).toEqual([10]);
      await admin.pointsAdmin.setMerchantRule({
        merchantId: merchant.user.organization.id,
        ...rule({ reason: 'back to 1' }),
      });
      const history = await shop.pointsMerchant.rule();
      expect(history.history.map((r) => [r.pointsPerUnit, r.reason])).toEqual([
        [1, 'back to 1'],
        [10, 'test rule'],
      ]);

      expect((await appErrorOf(shop.pointsAdmin.platformRule())).kind).toBe('forbidden');
      expect((await appErrorOf(admin.pointsMerchant.rule())).code).toBe('not_a_merchant');
      const unknown = await appErrorOf(admin.pointsAdmin.merchantRule({ merchantId: randomUUID() }));
      expect(unknown.kind).toBe('not_found');
    });
  });

  describe('spending', () => {
    it('redeems the earliest-expiring lots first into wallet credit, once per Idempotency-Key', async () => {
      const shortLived = await createTestMerchant(platform);
      await platform.caller({ token: shortLived.token }).pointsMerchant.setRule(rule({ validityDays: 10 }));
      const {
        email,
        consumer,
        order: longLot,
        lastOrder: shortLot,
      } = await earnTestPoints(platform, {
        prefix: 'spender',
        orders: 2,
        merchants: [undefined, shortLived],
      });

      const key = randomUUID();
      const first = await redeem(consumer.token, 60, key);
      expect(first).toMatchObject({ points: 60, amountMinor: 60, currency: 'EUR', availablePoints: 38 });
      const lots = await lotsOf(email);
      expect(lots.find((l) => l.session_id === shortLot.sessionId)).toMatchObject({
        remaining: 0,
        spent: 49,
      });
      expect(lots.find((l) => l.session_id === longLot.sessionId)).toMatchObject({
        remaining: 38,
        spent: 11,
      });

      const again = await redeem(consumer.token, 60, key);
      expect(again.id).toBe(first.id);
      const reused = await appErrorOf(redeem(consumer.token, 61, key));
      expect(reused).toMatchObject({ kind: 'conflict', code: 'idempotency_key_reused' });

      const wallet = await getWalletBalance(db, { email, page: { limit: 50 } });
      expect(wallet.balances).toMatchObject([{ currency: 'EUR', availableMinor: 60 }]);
      expect(wallet.transfers.items).toMatchObject([
        { id: first.walletTransferId, from: 'platform:promotions', note: '60 points redeemed' },
      ]);

      const short = await appErrorOf(redeem(consumer.token, 39));
      expect(short).toMatchObject({ kind: 'unprocessable', code: 'insufficient_points' });
      expect(short.errors?.[0]?.field).toBe('points');
      const mine = await getMyPoints(db, { email, page: { limit: 50, kind: 'spent' } });
      expect(mine.availablePoints).toBe(38);
      expect(mine.history.items).toMatchObject([{ kind: 'spent', points: 60, redemptionId: first.id }]);
    });

    it('lets only one of two concurrent redemptions have the same points', async () => {
      const { email, consumer } = await earnTestPoints(platform, { prefix: 'racer' });
      const outcomes = await Promise.allSettled([redeem(consumer.token, 30), redeem(consumer.token, 30)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const rejected = outcomes.find((o) => o.status === 'rejected');
      expect(rejected?.reason).toMatchObject({ cause: { code: 'insufficient_points' } });
      expect(await lotsOf(email)).toMatchObject([{ remaining: 19, spent: 30 }]);
    });

    it('redeems at the platform’s rate, which operators set with a reason', async () => {
      const admin = platform.caller({ token: adminToken });
      const previous = (await admin.pointsAdmin.platformRule()).current;
      if (!previous) throw new Error('no platform rule');
      const { consumer } = await earnTestPoints(platform, { prefix: 'rate' });
      const set = await admin.pointsAdmin.setPlatformRule({
        ...rule({ reason: 'double value week' }),
        redeemCurrency: 'EUR',
        redeemMinorPerPoint: 2,
      });
      expect(set.history[0]).toMatchObject({ reason: 'double value week', redeemMinorPerPoint: 2 });
      try {
        expect(await redeem(consumer.token, 10)).toMatchObject({ amountMinor: 20 });
      } finally {
        await admin.pointsAdmin.setPlatformRule({
          ...rule({ reason: 'back to normal' }),
          redeemCurrency: previous.redeemCurrency ?? 'EUR',
          redeemMinorPerPoint: previous.redeemMinorPerPoint ?? 1,
        });
      }
    });
  });

  describe('expiry', () => {
    it('expires what is left of each due lot, one expired entry per lot, once', async () => {
      const { email, consumer } = await earnTestPoints(platform, { prefix: 'expiring', orders: 2 });
      await redeem(consumer.token, 50);

      const farFuture = new Date(Date.now() + 400 * 86_400_000);
      expect(await expireDuePoints(db, { asOf: new Date() })).toBe(0);
      expect((await lotsOf(email)).every((l) => l.state === 'active')).toBe(true);
      expect(await expireDuePoints(db, { asOf: farFuture })).toBeGreaterThan(0);
      expect(await expireDuePoints(db, { asOf: farFuture })).toBe(0);

      // Both lots expire on the same day, so either may have been spent first: 49 of the 50 came from one,
      // which had nothing left to expire and stays as it was; the other expired with 48 left.
      const lots = (await lotsOf(email)).sort((a, b) => b.spent - a.spent);
      expect(lots.map((l) => ({ state: l.state, remaining: l.remaining, spent: l.spent }))).toEqual([
        { state: 'active', remaining: 0, spent: 49 },
        { state: 'expired', remaining: 0, spent: 1 },
      ]);
      const mine = await getMyPoints(db, { email, page: { limit: 50 } });
      expect(mine.availablePoints).toBe(0);
      expect(mine.nextExpiry).toBeNull();
      expect(mine.history.items.filter((e) => e.kind === 'expired')).toMatchObject([{ points: 48 }]);
    });
  });

  describe('reversal', () => {
    it('takes back what is left of a refunded order’s lot and records what was already spent', async () => {
      const { email, consumer, order } = await earnTestPoints(platform, { prefix: 'refunded' });
      await redeem(consumer.token, 30);

      const refund = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${order.sessionId}/refund`, {
        token: adminToken,
        body: { reason: 'customer withdrew' },
      });
      expect(refund.status).toBe(200);
      await relayTestEvents(platform);
      const refunded = await eventsOf('session.refunded', order.sessionId);
      await db.transaction().execute((trx) => pointsOnSessionEvents(trx, refunded));

      expect(await lotsOf(email)).toMatchObject([{ state: 'reversed', remaining: 0, spent: 30 }]);
      const mine = await getMyPoints(db, { email, page: { limit: 50, kind: 'reversed' } });
      expect(mine.availablePoints).toBe(0);
      expect(mine.history.items).toMatchObject([{ kind: 'reversed', points: 19, shortfall: 30 }]);
      const reversed = await db
        .selectFrom('domain_events')
        .select('payload')
        .where('type', '=', 'points.reversed')
        .where('payload', '@>', JSON.stringify({ sessionId: order.sessionId }))
        .execute();
      expect(reversed).toEqual([{ payload: expect.objectContaining({ points: 19, shortfall: 30 }) }]);
    });
  });
});
