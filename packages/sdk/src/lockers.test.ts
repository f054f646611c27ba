import { randomBytes } from 'node:crypto';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  lockerIssuedBody,
  orderBody,
  payTokenOf,
  sendLockerCall,
  signInTestConsumer,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

/**
 * The SDK manages locker carriers' secrets (operators) and reads the consumer's parcels with their locker. The
 * carriers' own calls (POST /api/lockers/…/issue-code) are plain HTTP routes signed over the exact body bytes
 * (X-IPAY-Signature), not tRPC procedures: carriers call them from their own systems with any HTTP client, so
 * here they are sent over HTTP, signed with node:crypto as a carrier would.
 */
describe('SDK: locker carrier secrets and the consumer’s locker code', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('creates, lists, rotates and retires a carrier secret; the code reaches the consumer through the SDK', async () => {
    const carrier = `SDK${randomBytes(3).toString('hex').toUpperCase()}`;
    const operator = await createTestPlatformAdmin(platform);
    const admin = createIpayClient({ baseUrl: platform.baseUrl, token: operator.token });
    const first = await admin.lockersAdmin.createSecret.mutate({ carrier });
    expect(first.secret).toMatch(/^lsk_/);
    const rotated = await admin.lockersAdmin.rotateSecret.mutate({ carrier });
    const listed = await admin.lockersAdmin.listSecrets.query({ carrier });
    expect(listed.items.map((secret) => [secret.id, secret.active])).toEqual([
      [rotated.id, true],
      [first.id, true],
    ]);
    expect(JSON.stringify(listed)).not.toContain(first.secret);
    const retired = await admin.lockersAdmin.retireSecret.mutate({ carrier, id: first.id });
    expect(retired.active).toBe(false);

    const merchant = await createTestMerchant(platform);
    const forbidden = await createIpayClient({ baseUrl: platform.baseUrl, token: merchant.token })
      .lockersAdmin.createSecret.mutate({ carrier })
      .catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(IpayApiError);
    expect(forbidden).toMatchObject({ status: 403 });

    const consumer = await signInTestConsumer(platform);
    const base = orderBody({ carrier_code: carrier });
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: { ...base, customer: { ...base.customer, email: consumer.email } },
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    await http(platform.baseUrl, 'POST', `/api/session/${payTokenOf(session.body.pay_url)}/start-payment`, {
      body: {},
    });
    const body = lockerIssuedBody(
      { ipay_reference: session.body.ipay_reference_18 },
      { pickupCode: '640021' },
    );
    const path = `/api/lockers/${carrier}/issue-code`;
    expect((await sendLockerCall(platform, path, body, { secret: first.secret })).status).toBe(401);
    expect((await sendLockerCall(platform, path, body, { secret: rotated.secret })).status).toBe(200);

    const parcels = await createIpayClient({
      baseUrl: platform.baseUrl,
      token: consumer.token,
    }).consumer.parcels.query({ limit: 20 });
    const parcel = parcels.items.find((item) => item.id === order.body.id);
    expect(parcel?.locker).toMatchObject({ carrier_code: carrier, pickup_code: '640021', status: 'ISSUED' });
  });
});
