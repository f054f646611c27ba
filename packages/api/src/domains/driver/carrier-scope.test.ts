import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appErrorOf,
  createTestMerchant,
  createTestParcel,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  type TestPartnerUser,
  type TestPlatform,
} from '../../testing';
import type { Partner } from '../partners/schemas';
import { generatePaymentReference } from '../payment-sessions/reference';

describe('drivers reach only the parcels of their partner’s carrier codes', () => {
  let platform: TestPlatform;
  let postnl: Partner;
  let dhl: Partner;
  let subcontractor: Partner;
  let postnlDriver: TestPartnerUser;
  let dhlDriver: TestPartnerUser;
  let subcontractorDriver: TestPartnerUser;

  beforeAll(async () => {
    platform = await createTestPlatform();
    postnl = await createTestPartner(platform, ['POSTNL'], 'PostNL');
    dhl = await createTestPartner(platform, ['DHL', 'DHL_EXPRESS'], 'DHL');
    // A carrier code may belong to several partners: a subcontractor delivering for PostNL too.
    subcontractor = await createTestPartner(platform, ['POSTNL', 'GLS'], 'Fietskoerier');
    postnlDriver = await createTestPartnerUser(platform, postnl.id, 'driver', 'Piet PostNL');
    dhlDriver = await createTestPartnerUser(platform, dhl.id, 'driver', 'Dana DHL');
    subcontractorDriver = await createTestPartnerUser(platform, subcontractor.id, 'driver', 'Fenna Fiets');
  });
  afterAll(() => platform.close());

  const driverCaller = (driver: TestPartnerUser) => platform.caller({ token: driver.token });

  it('answers a DHL driver’s OTP check on a PostNL parcel with the 404 of a reference that does not exist, and counts no attempt', async () => {
    const parcel = await createTestParcel(platform, { carrierCode: 'POSTNL' });
    const reference = parcel.session.ipay_reference_18;
    const foreign = await appErrorOf(
      driverCaller(dhlDriver).driver.verifyOtp({ ipay_reference_18: reference, otp_4: parcel.otp! }),
    );
    expect(foreign.kind).toBe('not_found');
    expect(foreign.detail).toBe(`No payment session has reference ${reference}.`);

    // Exactly the answer for a valid reference nobody has.
    const unknownReference = validReferenceOtherThan(reference);
    const unknown = await appErrorOf(
      driverCaller(postnlDriver).driver.verifyOtp({ ipay_reference_18: unknownReference, otp_4: '1234' }),
    );
    expect(unknown.kind).toBe('not_found');
    expect(unknown.detail).toBe(`No payment session has reference ${unknownReference}.`);

    const row = await platform.database.db
      .selectFrom('payment_sessions')
      .select(['status', 'otp_failed_attempts', 'handled_by_user_id'])
      .where('id', '=', parcel.session.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'PAID', otp_failed_attempts: 0, handled_by_user_id: null });

    const released = await driverCaller(postnlDriver).driver.verifyOtp({
      ipay_reference_18: reference,
      otp_4: parcel.otp!,
    });
    expect(released).toMatchObject({ session_id: parcel.session.id, status: 'RELEASED' });
  });

  it('answers a DHL driver’s parcel move on a PostNL parcel with the 404 of a session that does not exist, and changes nothing', async () => {
    const parcel = await createTestParcel(platform, { carrierCode: 'POSTNL' });
    const foreign = await appErrorOf(
      driverCaller(dhlDriver).paymentSessions.parcelStatus({ id: parcel.session.id, status: 'PICKED_UP' }),
    );
    expect(foreign.kind).toBe('not_found');
    expect(foreign.detail).toBe(`Payment session ${parcel.session.id} does not exist.`);
    const missingId = '00000000-0000-4000-8000-000000000000';
    const missing = await appErrorOf(
      driverCaller(dhlDriver).paymentSessions.parcelStatus({ id: missingId, status: 'PICKED_UP' }),
    );
    expect(missing.detail).toBe(`Payment session ${missingId} does not exist.`);

    const untouched = await platform.database.db
      .selectFrom('payment_sessions')
      .select(['parcel_status', 'handled_by_user_id'])
      .where('id', '=', parcel.session.id)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ parcel_status: null, handled_by_user_id: null });

    const moved = await driverCaller(postnlDriver).paymentSessions.parcelStatus({
      id: parcel.session.id,
      status: 'PICKED_UP',
    });
    expect(moved.parcel_status).toBe('PICKED_UP');
  });

  it('lets every partner delivering for the code reach the parcel (a carrier and its subcontractor)', async () => {
    const parcel = await createTestParcel(platform, { carrierCode: 'POSTNL' });
    await driverCaller(subcontractorDriver).paymentSessions.parcelStatus({
      id: parcel.session.id,
      status: 'PICKED_UP',
    });
    const released = await driverCaller(subcontractorDriver).driver.verifyOtp({
      ipay_reference_18: parcel.session.ipay_reference_18,
      otp_4: parcel.otp!,
    });
    expect(released.status).toBe('RELEASED');
    // And the DHL partner's own codes work for its drivers, whatever the case the order was written in.
    const dhlParcel = await createTestParcel(platform, { carrierCode: 'dhl_express' });
    const dhlReleased = await driverCaller(dhlDriver).driver.verifyOtp({
      ipay_reference_18: dhlParcel.session.ipay_reference_18,
      otp_4: dhlParcel.otp!,
    });
    expect(dhlReleased.status).toBe('RELEASED');
  });

  it('follows a change of the partner’s carrier codes at once', async () => {
    const parcel = await createTestParcel(platform, { carrierCode: 'UPS' });
    const ups = await createTestPartner(platform, ['DPD'], 'Switcher');
    const driver = await createTestPartnerUser(platform, ups.id, 'driver');
    const before = await appErrorOf(
      driverCaller(driver).paymentSessions.parcelStatus({ id: parcel.session.id, status: 'PICKED_UP' }),
    );
    expect(before.kind).toBe('not_found');
    const admin = await createTestPlatformAdmin(platform);
    await platform
      .caller({ token: admin.token })
      .partners.update({ id: ups.id, carrierCodes: ['DPD', 'UPS'] });
    const moved = await driverCaller(driver).paymentSessions.parcelStatus({
      id: parcel.session.id,
      status: 'PICKED_UP',
    });
    expect(moved.parcel_status).toBe('PICKED_UP');
  });

  it('leaves operators and merchant admins their reach: any parcel, and the merchant’s own', async () => {
    const parcel = await createTestParcel(platform, { carrierCode: 'GLS' });
    const admin = await createTestPlatformAdmin(platform);
    const byOperator = await platform
      .caller({ token: admin.token })
      .paymentSessions.parcelStatus({ id: parcel.session.id, status: 'PICKED_UP' });
    expect(byOperator.parcel_status).toBe('PICKED_UP');
    const byMerchant = await platform
      .caller({ token: parcel.merchant.token })
      .paymentSessions.parcelStatus({ id: parcel.session.id, status: 'IN_DELIVERY' });
    expect(byMerchant.parcel_status).toBe('IN_DELIVERY');
    const otherMerchant = await createTestMerchant(platform);
    const foreign = await appErrorOf(
      platform
        .caller({ token: otherMerchant.token })
        .paymentSessions.parcelStatus({ id: parcel.session.id, status: 'DELIVERY_FAILED', reason: 'x' }),
    );
    expect(foreign.kind).toBe('not_found');
    // Staff and merchants are not partners: nothing is recorded as handled by a carrier.
    const detail = await platform
      .caller({ token: parcel.merchant.token })
      .paymentSessions.get({ id: parcel.session.id });
    expect(detail.handled_by_partner).toBeNull();
  });

  it('shows the merchant which partner’s driver released and moved the parcel, on the session and its events', async () => {
    const parcel = await createTestParcel(platform, { carrierCode: 'POSTNL' });
    const driver = driverCaller(postnlDriver);
    await driver.driver
      .verifyOtp({
        ipay_reference_18: parcel.session.ipay_reference_18,
        otp_4: parcel.otp === '0000' ? '1111' : '0000',
      })
      .catch(() => undefined);
    await driver.driver.verifyOtp({
      ipay_reference_18: parcel.session.ipay_reference_18,
      otp_4: parcel.otp!,
    });
    for (const status of ['PICKED_UP', 'IN_DELIVERY', 'DELIVERED'] as const) {
      await driver.paymentSessions.parcelStatus({ id: parcel.session.id, status });
    }

    const detail = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${parcel.session.id}`, {
      token: parcel.merchant.token,
    });
    expect(detail.status).toBe(200);
    expect(detail.body.handled_by_partner).toEqual({
      id: postnl.id,
      name: postnl.name,
      handled_at: expect.any(String),
    });
    const byDriver = (detail.body.events as Array<{ type: string; data: Record<string, unknown> }>).filter(
      (event) => event.type.startsWith('parcel.') || event.type.startsWith('session.otp_'),
    );
    expect(byDriver.map((event) => event.type)).toEqual([
      'session.otp_failed',
      'session.otp_verified',
      'parcel.status_changed',
      'parcel.status_changed',
      'parcel.status_changed',
      'parcel.delivered',
    ]);
    for (const event of byDriver) {
      expect(event.data, event.type).toMatchObject({ partnerId: postnl.id, partnerName: postnl.name });
    }
    // The driver is on the event log as its actor; the merchant is shown the partner, not the person.
    const actors = await platform.database.db
      .selectFrom('domain_events')
      .select('actor_user_id')
      .where('resource_id', '=', parcel.session.id)
      .where('type', 'in', ['session.otp_verified', 'parcel.delivered'])
      .execute();
    expect(actors.map((a) => a.actor_user_id)).toEqual([postnlDriver.userId, postnlDriver.userId]);
    expect(JSON.stringify(detail.body)).not.toContain(postnlDriver.userId);
  });
});

/** A reference with valid check digits that no session has. */
function validReferenceOtherThan(taken: string): string {
  let reference = generatePaymentReference();
  while (reference === taken) reference = generatePaymentReference();
  return reference;
}
