import {
  createTestParcel,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatform,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: a driver works the parcels of their partner’s carriers', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('lists the carrier’s parcels, and a driver of another carrier gets the 404 of a parcel that does not exist', async () => {
    const postnl = await createTestPartner(platform, ['POSTNL'], 'PostNL');
    const dhl = await createTestPartner(platform, ['DHL'], 'DHL');
    const postnlDriver = await createTestPartnerUser(platform, postnl.id, 'driver');
    const dhlDriver = await createTestPartnerUser(platform, dhl.id, 'driver');
    const parcel = await createTestParcel(platform, { carrierCode: 'POSTNL', postalCode: '2511 BT' });
    const ours = createIpayClient({ baseUrl: platform.baseUrl, token: postnlDriver.token });
    const theirs = createIpayClient({ baseUrl: platform.baseUrl, token: dhlDriver.token });

    const page = await ours.driver.parcels.query({ postcode: '2511bt' });
    expect(page.items.map((item) => item.id)).toEqual([parcel.session.id]);
    expect(page.items[0]).toMatchObject({
      ipay_reference_18: parcel.session.ipay_reference_18,
      status: 'PAID',
      carrier_code: 'POSTNL',
      delivery_address: { postal_code: '2511 BT' },
    });
    expect((await theirs.driver.parcels.query({})).items).toEqual([]);

    const refused = await theirs.driver.verifyOtp
      .mutate({ ipay_reference_18: parcel.session.ipay_reference_18, otp_4: parcel.otp! })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({
      status: 404,
      code: 'not_found',
      detail: `No payment session has reference ${parcel.session.ipay_reference_18}.`,
    });
    const notMoved = await theirs.paymentSessions.parcelStatus
      .mutate({ id: parcel.session.id, status: 'PICKED_UP' })
      .catch((error: unknown) => error);
    expect(notMoved).toMatchObject({
      status: 404,
      detail: `Payment session ${parcel.session.id} does not exist.`,
    });

    const released = await ours.driver.verifyOtp.mutate({
      ipay_reference_18: parcel.session.ipay_reference_18,
      otp_4: parcel.otp!,
    });
    expect(released.status).toBe('RELEASED');
    const after = await ours.driver.parcels.query({ status: 'RELEASED' });
    expect(after.items[0]?.handled_by).toMatchObject({
      partner_id: postnl.id,
      user_id: postnlDriver.userId,
    });
  });
});
