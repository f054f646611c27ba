import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestParcel,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  orderBody,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';

describe('shipment facts on orders', () => {
  let platform: TestPlatform;
  let merchant: AuthSession;
  beforeAll(async () => {
    platform = await createTestPlatform();
    merchant = await createTestMerchant(platform);
  });
  afterAll(() => platform.close());

  async function newOrder(owner: AuthSession, carrierCode = 'UPS') {
    const created = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: owner.token,
      body: orderBody({ carrier_code: carrierCode }),
    });
    expect(created.status).toBe(200);
    return created.body as { id: string; merchant_reference: string };
  }
  const put = (token: string, orderId: string, body: unknown) =>
    http(platform.baseUrl, 'PUT', `/api/orders/${orderId}/shipment`, { token, body });
  const uniqueTracking = (prefix = '1Z') =>
    `${prefix}${Math.random().toString(36).slice(2, 12).toUpperCase().padEnd(10, '0')}`;
  const shipmentEvents = (orderId: string) =>
    platform.database.db
      .selectFrom('domain_events')
      .select(['payload as data', 'actor_user_id'])
      .where('type', '=', 'order.shipment_updated')
      .where('resource_id', '=', orderId)
      .execute();

  it('keeps every piece of a multi-piece shipment with its own tracking number, shown on the order’s read, announced once', async () => {
    const order = await newOrder(merchant);
    const [lead, second, third] = [uniqueTracking(), uniqueTracking(), uniqueTracking()];
    const body = {
      ship_date: '2026-11-27',
      parcels: [
        {
          tracking_number: lead.toLowerCase().replace(/(.{4})/g, '$1 '),
          weight_grams: 12_500,
          dimensions_cm: { length: 60, width: 40, height: 40 },
        },
        { tracking_number: second, weight_grams: 3_200 },
        { tracking_number: third, ship_date: '2026-11-28' },
      ],
    };
    const set = await put(merchant.token, order.id, body);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ order_id: order.id, carrier_code: 'UPS', changed: true });
    const read = await http(platform.baseUrl, 'GET', `/api/orders/${order.id}`, { token: merchant.token });
    expect(read.status).toBe(200);
    expect(read.body.parcels).toEqual([
      expect.objectContaining({
        position: 1,
        carrier_code: 'UPS',
        tracking_number: lead,
        ship_date: '2026-11-27',
        weight_grams: 12_500,
        dimensions_cm: { length: 60, width: 40, height: 40 },
        source: 'merchant',
      }),
      expect.objectContaining({
        position: 2,
        tracking_number: second,
        weight_grams: 3_200,
        dimensions_cm: null,
      }),
      expect.objectContaining({
        position: 3,
        tracking_number: third,
        ship_date: '2026-11-28',
        weight_grams: null,
      }),
    ]);
    expect(read.body.parcels).toEqual(set.body.parcels);

    // The same facts again: nothing written, nothing announced.
    const again = await put(merchant.token, order.id, body);
    expect(again.body).toMatchObject({ changed: false, parcels: set.body.parcels });
    const events = await shipmentEvents(order.id);
    expect(events).toEqual([
      {
        data: expect.objectContaining({
          orderId: order.id,
          merchantReference: order.merchant_reference,
          carrierCode: 'UPS',
          trackingNumbers: [lead, second, third],
          source: 'merchant',
        }),
        actor_user_id: merchant.user.id,
      },
    ]);

    // A PUT replaces: one piece left, then none.
    const fewer = await put(merchant.token, order.id, { parcels: [{ tracking_number: third }] });
    expect(fewer.body.parcels).toEqual([
      expect.objectContaining({ position: 1, tracking_number: third, ship_date: null }),
    ]);
    const cleared = await put(merchant.token, order.id, { parcels: [] });
    expect(cleared.body).toMatchObject({ changed: true, parcels: [] });
    expect(await shipmentEvents(order.id)).toHaveLength(3);
  });

  it('refuses a tracking number already on another order of the carrier, naming the piece and writing nothing', async () => {
    const first = await newOrder(merchant);
    const other = await newOrder(await createTestMerchant(platform, 'Other Shop BV'));
    const taken = uniqueTracking();
    expect((await put(merchant.token, first.id, { parcels: [{ tracking_number: taken }] })).status).toBe(200);
    const mine = uniqueTracking();
    const otherMerchant = await http(platform.baseUrl, 'GET', `/api/orders/${other.id}`, {
      token: merchant.token,
    });
    expect(otherMerchant.status).toBe(404);

    const admin = await createTestPlatformAdmin(platform);
    const refused = await put(admin.token, other.id, {
      parcels: [{ tracking_number: mine }, { tracking_number: taken }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({ field: 'parcels.1.tracking_number', code: 'already_exists' }),
    ]);
    expect(JSON.stringify(refused.body)).not.toContain(first.id);
    const unchanged = await http(platform.baseUrl, 'GET', `/api/orders/${other.id}`, { token: admin.token });
    expect(unchanged.body.parcels).toEqual([]);
    expect(await shipmentEvents(other.id)).toEqual([]);

    // Unique per carrier: the same number on a PostNL order is another parcel.
    const postnl = await newOrder(merchant, 'POSTNL');
    const elsewhere = await put(admin.token, postnl.id, { parcels: [{ tracking_number: taken }] });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.body.parcels).toEqual([
      expect.objectContaining({ tracking_number: taken, source: 'operator' }),
    ]);
  });

  it('names a piece listed twice, a malformed tracking number and a bad date; another merchant’s order is a 404', async () => {
    const order = await newOrder(merchant);
    const twice = uniqueTracking();
    const duplicate = await put(merchant.token, order.id, {
      parcels: [{ tracking_number: twice }, { tracking_number: twice.toLowerCase() }],
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errors).toEqual([
      expect.objectContaining({ field: 'parcels.1.tracking_number', code: 'duplicate' }),
    ]);
    const malformed = await put(merchant.token, order.id, {
      ship_date: '2026-02-30',
      parcels: [{ tracking_number: '1Z-99!' }, { tracking_number: uniqueTracking(), weight_grams: 0 }],
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'parcels.0.tracking_number',
      'parcels.1.weight_grams',
      'ship_date',
    ]);
    const stranger = await createTestMerchant(platform, 'Stranger BV');
    const foreign = await put(stranger.token, order.id, { parcels: [{ tracking_number: uniqueTracking() }] });
    expect(foreign.status).toBe(404);
  });

  it('lets the carrier’s driver record the pieces at pickup, not another carrier’s driver nor a dispatcher', async () => {
    const ups = await createTestPartner(platform, ['UPS'], 'UPS');
    const dhl = await createTestPartner(platform, ['DHL'], 'DHL');
    const upsDriver = await createTestPartnerUser(platform, ups.id, 'driver');
    const dhlDriver = await createTestPartnerUser(platform, dhl.id, 'driver');
    const dispatcher = await createTestPartnerUser(platform, ups.id, 'dispatcher');
    const parcel = await createTestParcel(platform, { merchant, carrierCode: 'UPS' });
    const pickup = (token: string) =>
      http(platform.baseUrl, 'PUT', `/api/driver/parcels/${parcel.session.id}/shipment`, {
        token,
        body: { ship_date: '2026-11-29', parcels: [{ tracking_number: tracking, weight_grams: 900 }] },
      });
    const tracking = uniqueTracking();

    expect((await pickup(dhlDriver.token)).status).toBe(404);
    expect((await pickup(dispatcher.token)).status).toBe(403);
    const recorded = await pickup(upsDriver.token);
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({
      order_id: parcel.order.id,
      parcels: [{ tracking_number: tracking, ship_date: '2026-11-29', weight_grams: 900, source: 'carrier' }],
    });
    const read = await http(platform.baseUrl, 'GET', `/api/orders/${parcel.order.id}`, {
      token: merchant.token,
    });
    expect(read.body.parcels).toEqual(recorded.body.parcels);
    expect(await shipmentEvents(parcel.order.id)).toEqual([
      {
        data: expect.objectContaining({ source: 'carrier', trackingNumbers: [tracking] }),
        actor_user_id: upsDriver.userId,
      },
    ]);
    // Drivers hold no orders:update, so the merchant's endpoint is not theirs.
    expect((await put(upsDriver.token, parcel.order.id, { parcels: [] })).status).toBe(403);
  });
});
