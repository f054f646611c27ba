import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession } from '../auth/schemas';
import {
  createTestMerchant,
  createTestParcel,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  type TestParcel,
  type TestPartnerUser,
  type TestPlatform,
} from '../../testing';
import type { Partner } from '../partners/schemas';
import type { DriverParcel, ListDriverParcelsInput } from './schemas';

const PARCEL_FIELDS = [
  'amount_minor',
  'carrier_code',
  'consumer_name',
  'created_at',
  'currency',
  'delivery_address',
  'handled_by',
  'id',
  'ipay_reference_18',
  'item_count',
  'merchant',
  'order_external_id',
  'order_id',
  'parcel_status',
  'parcel_status_reason',
  'status',
  'updated_at',
];

describe('GET /api/driver/parcels: the parcels of the partner’s carriers', () => {
  let platform: TestPlatform;
  let merchant: AuthSession;
  let carrierCode: string;
  let partner: Partner;
  let otherPartner: Partner;
  let driver: TestPartnerUser;
  let dispatcher: TestPartnerUser;
  let partnerAdmin: TestPartnerUser;
  let otherDriver: TestPartnerUser;
  const parcel: Record<string, TestParcel> = {};

  beforeAll(async () => {
    platform = await createTestPlatform();
    merchant = await createTestMerchant(platform, 'Fietsen BV');
    // Codes of this file's own, so no other parcel can appear in these lists.
    carrierCode = `POSTNL-${randomBytes(3).toString('hex').toUpperCase()}`;
    const otherCode = `DHL-${randomBytes(3).toString('hex').toUpperCase()}`;
    partner = await createTestPartner(platform, [carrierCode], 'PostNL');
    otherPartner = await createTestPartner(platform, [otherCode], 'DHL');
    driver = await createTestPartnerUser(platform, partner.id, 'driver', 'Piet Bezorger');
    dispatcher = await createTestPartnerUser(platform, partner.id, 'dispatcher', 'Diana Planner');
    partnerAdmin = await createTestPartnerUser(platform, partner.id, 'partner_admin', 'Anton Admin');
    otherDriver = await createTestPartnerUser(platform, otherPartner.id, 'driver', 'Dana DHL');

    const make = async (name: string, options: { postalCode?: string; paid?: boolean; code?: string }) => {
      parcel[name] = await createTestParcel(platform, {
        merchant,
        carrierCode: options.code ?? carrierCode,
        postalCode: options.postalCode ?? '1015 CJ',
        paid: options.paid,
      });
    };
    await make('paidAmsterdam', { postalCode: '1015 CJ' });
    await make('paidAmsterdamOther', { postalCode: '1015ab' });
    await make('paidUtrecht', { postalCode: '3511 XY' });
    await make('unpaid', { paid: false });
    await make('unpaidOnTheTruck', { paid: false });
    await make('released', {});
    await make('delivered', {});
    await make('otherCarrier', { code: otherCode });
    await make('returned', {});

    const driverCalls = platform.caller({ token: driver.token });
    const move = (name: string, status: 'PICKED_UP' | 'IN_DELIVERY' | 'DELIVERED' | 'RETURNED_TO_SENDER') =>
      driverCalls.paymentSessions.parcelStatus({ id: parcel[name]!.session.id, status });
    const release = (name: string) =>
      driverCalls.driver.verifyOtp({
        ipay_reference_18: parcel[name]!.session.ipay_reference_18,
        otp_4: parcel[name]!.otp!,
      });
    await move('unpaidOnTheTruck', 'PICKED_UP');
    await release('released');
    await release('delivered');
    for (const status of ['PICKED_UP', 'IN_DELIVERY', 'DELIVERED'] as const) await move('delivered', status);
    await move('returned', 'PICKED_UP');
    await move('returned', 'RETURNED_TO_SENDER');
  }, 120_000);
  afterAll(() => platform.close());

  const list = (user: { token: string }, input: Partial<ListDriverParcelsInput> = {}) =>
    platform.caller({ token: user.token }).driver.parcels({ limit: 200, view: 'open', ...input });
  const idsOf = (...names: string[]) => names.map((name) => parcel[name]!.session.id);
  const ids = (page: { items: DriverParcel[] }) => page.items.map((item) => item.id);

  it('lists exactly the partner’s parcels awaiting delivery, newest first', async () => {
    expect(ids(await list(driver))).toEqual(
      idsOf('released', 'unpaidOnTheTruck', 'paidUtrecht', 'paidAmsterdamOther', 'paidAmsterdam'),
    );
    expect(ids(await list(otherDriver))).toEqual(idsOf('otherCarrier'));
    expect(ids(await list(driver, { view: 'all' }))).toEqual(
      idsOf(
        'returned',
        'delivered',
        'released',
        'unpaidOnTheTruck',
        'unpaid',
        'paidUtrecht',
        'paidAmsterdamOther',
        'paidAmsterdam',
      ),
    );
  });

  it('filters by session status, parcel status and postcode (a prefix; spaces and case ignored)', async () => {
    expect(ids(await list(driver, { status: 'PAID' }))).toEqual(
      idsOf('paidUtrecht', 'paidAmsterdamOther', 'paidAmsterdam'),
    );
    expect(ids(await list(driver, { status: 'RELEASED' }))).toEqual(idsOf('released'));
    expect(ids(await list(driver, { parcel_status: 'PICKED_UP' }))).toEqual(idsOf('unpaidOnTheTruck'));
    expect(ids(await list(driver, { view: 'all', status: 'DELIVERED' }))).toEqual(idsOf('delivered'));
    expect(ids(await list(driver, { postcode: '1015' }))).toEqual(
      idsOf('released', 'unpaidOnTheTruck', 'paidAmsterdamOther', 'paidAmsterdam'),
    );
    expect(ids(await list(driver, { postcode: ' 1015cj ' }))).toEqual(
      idsOf('released', 'unpaidOnTheTruck', 'paidAmsterdam'),
    );
    expect(ids(await list(driver, { postcode: '1015 A', status: 'PAID' }))).toEqual(
      idsOf('paidAmsterdamOther'),
    );
    expect(ids(await list(driver, { postcode: '9999' }))).toEqual([]);
  });

  it('gives what a driver needs on the road, never the OTP, the pay link or payment details', async () => {
    const page = await list(driver, { view: 'all' });
    const item = page.items.find((i) => i.id === parcel.paidAmsterdam!.session.id)!;
    expect(Object.keys(item).sort()).toEqual(PARCEL_FIELDS);
    expect(item).toEqual({
      id: parcel.paidAmsterdam!.session.id,
      ipay_reference_18: parcel.paidAmsterdam!.session.ipay_reference_18,
      status: 'PAID',
      parcel_status: null,
      parcel_status_reason: null,
      order_id: parcel.paidAmsterdam!.order.id,
      order_external_id: parcel.paidAmsterdam!.order.merchant_reference,
      merchant: { id: merchant.user.organization.id, name: merchant.user.organization.name },
      consumer_name: 'Anna de Vries',
      delivery_address: {
        line1: 'Keizersgracht 123',
        line2: null,
        postal_code: '1015 CJ',
        city: 'Amsterdam',
        country: 'NL',
      },
      carrier_code: carrierCode,
      item_count: 3,
      amount_minor: 4993,
      currency: 'EUR',
      handled_by: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const text = JSON.stringify(page);
    for (const made of Object.values(parcel)) expect(text).not.toContain(made.payToken);
    expect(text).not.toMatch(/otp|pay_url|psp|payment_method|checkout/i);
  });

  it('shows dispatchers and partner admins which driver handled each parcel, and merchants only the partner', async () => {
    const handledBy = {
      partner_id: partner.id,
      partner_name: partner.name,
      user_id: driver.userId,
      user_name: 'Piet Bezorger',
      handled_at: expect.any(String),
    };
    for (const viewer of [dispatcher, partnerAdmin, driver]) {
      const page = await list(viewer, { view: 'all' });
      const byId = new Map(page.items.map((item) => [item.id, item]));
      expect(byId.get(parcel.released!.session.id)?.handled_by).toEqual(handledBy);
      expect(byId.get(parcel.delivered!.session.id)?.handled_by).toEqual(handledBy);
      expect(byId.get(parcel.paidAmsterdam!.session.id)?.handled_by).toBeNull();
      expect(page.items).toHaveLength(8);
    }
    const asMerchant = await list(merchant, { view: 'all' });
    expect(asMerchant.items).toHaveLength(9);
    expect(asMerchant.items.find((i) => i.id === parcel.released!.session.id)?.handled_by).toEqual({
      ...handledBy,
      user_id: null,
      user_name: null,
    });
    const admin = await createTestPlatformAdmin(platform);
    const asOperator = await list(admin, { view: 'all' });
    expect(asOperator.items.find((i) => i.id === parcel.released!.session.id)?.handled_by).toEqual(handledBy);
  });

  it('pages with the cursor over HTTP and names a bad filter', async () => {
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const res = await http(platform.baseUrl, 'GET', `/api/driver/parcels?view=all&limit=3${query}`, {
        token: dispatcher.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      walked.push(...res.body.items.map((item: DriverParcel) => item.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(ids(await list(dispatcher, { view: 'all' })));

    for (const [query, field] of [
      ['postcode=10%25', 'postcode'],
      ['status=LOST', 'status'],
      ['view=everything', 'view'],
    ]) {
      const bad = await http(platform.baseUrl, 'GET', `/api/driver/parcels?${query}`, {
        token: driver.token,
      });
      expect(bad.status, query).toBe(400);
      expect(bad.body.errors[0].field, query).toBe(field);
    }
  });

  it('is for holders of parcels:read only', async () => {
    const unauthenticated = await http(platform.baseUrl, 'GET', '/api/driver/parcels');
    expect(unauthenticated.status).toBe(401);
    const roleless = await createTestUser(platform, partner.id, []);
    const forbidden = await http(platform.baseUrl, 'GET', '/api/driver/parcels', { token: roleless.token });
    expect(forbidden.status).toBe(403);
  });
});
