import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@ipay/db';
import { createTestMerchant, createTestPlatform, payTestOrder, type TestPlatform } from '../../testing';
import { RETURN_REFUND_REASON } from '../payments/service/money-movements';
import { ipayFeesForPeriod } from './service/fees';

/** The default test order: 49.93 EUR. */
const ORDER_MINOR = 4993;

/** Moves a paid order to `at`: its session's paid time and its payment's receipt. */
async function paidAt(db: Db, sessionId: string, at: string): Promise<void> {
  await db.updateTable('payment_sessions').set({ paid_at: at }).where('id', '=', sessionId).execute();
  await db.updateTable('payments').set({ created_at: at }).where('session_id', '=', sessionId).execute();
}

describe('ipayFeesForPeriod', () => {
  let platform: TestPlatform;
  let db: Db;
  beforeAll(async () => {
    platform = await createTestPlatform();
    db = platform.database.db;
  });
  afterAll(() => platform.close());

  it('prices each order at the fee in force when it was paid, per Amsterdam day, split at a fee change', async () => {
    const merchant = await createTestMerchant(platform);
    const organizationId = merchant.user.organization.id;
    const orders = [];
    for (let i = 0; i < 4; i++)
      orders.push(await payTestOrder(platform, { email: `f${i}@example.com`, merchant }));
    const [early, late, afterMidnight, returned] = orders.map((order) => order.sessionId) as [
      string,
      string,
      string,
      string,
    ];
    // 2027-01-15 is in CET (UTC+1): 23:30 UTC is already the 16th in Amsterdam.
    await paidAt(db, early, '2027-01-15T09:00:00Z');
    await paidAt(db, late, '2027-01-15T13:00:00Z');
    await paidAt(db, afterMidnight, '2027-01-15T23:30:00Z');
    await paidAt(db, returned, '2027-01-14T12:00:00Z');
    await db
      .updateTable('payments')
      .set({ refunded_at: '2027-01-16T10:00:00Z', needs_refund: true, refund_reason: RETURN_REFUND_REASON })
      .where('session_id', '=', returned)
      .execute();
    await db
      .insertInto('merchant_fee_changes')
      .values({
        organization_id: organizationId,
        fee_per_order_minor: 80,
        effective_from: '2027-01-15T11:00:00Z',
        reason: 'contract signed',
      })
      .execute();

    const rows = await ipayFeesForPeriod(db, {
      from: new Date('2027-01-14T23:00:00Z'),
      to: new Date('2027-01-16T23:00:00Z'),
      organizationId,
      platformDefaultFeeMinor: 50,
    });

    const common = { organization_id: organizationId, currency: 'EUR', returns_minor: 0, refunds_minor: 0 };
    expect(rows).toEqual([
      {
        ...common,
        day: '2027-01-15',
        order_count: 1,
        gross_minor: ORDER_MINOR,
        fee_per_order_minor: 50,
        fee_minor: 50,
        fee_source: 'platform_default',
      },
      {
        ...common,
        day: '2027-01-15',
        order_count: 1,
        gross_minor: ORDER_MINOR,
        fee_per_order_minor: 80,
        fee_minor: 80,
        fee_source: 'contract',
      },
      {
        ...common,
        day: '2027-01-16',
        order_count: 1,
        gross_minor: ORDER_MINOR,
        fee_per_order_minor: 80,
        fee_minor: 80,
        fee_source: 'contract',
        refunds_minor: ORDER_MINOR,
        returns_minor: ORDER_MINOR,
      },
    ]);
  });

  it('leaves out other merchants when one is asked for, and lists every merchant otherwise', async () => {
    const first = await payTestOrder(platform, { email: 'a@example.com' });
    const second = await payTestOrder(platform, { email: 'b@example.com' });
    await paidAt(db, first.sessionId, '2027-02-01T12:00:00Z');
    await paidAt(db, second.sessionId, '2027-02-01T12:00:00Z');
    const period = { from: new Date('2027-02-01T00:00:00Z'), to: new Date('2027-02-02T00:00:00Z') };

    // A configured default other than the config's own default: the one passed is the one charged.
    const configured = { ...period, platformDefaultFeeMinor: 65 };

    const one = await ipayFeesForPeriod(db, {
      ...configured,
      organizationId: first.merchant.user.organization.id,
    });
    const all = await ipayFeesForPeriod(db, configured);

    expect(one.map((row) => row.organization_id)).toEqual([first.merchant.user.organization.id]);
    expect(all.map((row) => row.organization_id).sort()).toEqual(
      [first.merchant.user.organization.id, second.merchant.user.organization.id].sort(),
    );
    expect(all.map((row) => [row.fee_per_order_minor, row.fee_minor, row.fee_source])).toEqual([
      [65, 65, 'platform_default'],
      [65, 65, 'platform_default'],
    ]);
  });
});
