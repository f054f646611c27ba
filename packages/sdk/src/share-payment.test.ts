import {
  createTestPlatform,
  createTestSessionFor,
  payOnSharePage,
  shareCodeOf,
  signInTestConsumer,
  type TestPlatform,
} from '@ipay/api/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: sharing a payment', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it("shares a parcel's payment, someone pays through the link, and the owner reads who paid", async () => {
    const consumer = await signInTestConsumer(platform);
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: consumer.token });
    const { session } = await createTestSessionFor(platform, consumer.email);
    const parcels = await client.consumer.parcels.query({ limit: 20 });
    const sessionId = parcels.items[0]?.session_id;
    expect(sessionId).toBe(session.id);

    const shared = await client.sharePayment.share.mutate({ session_id: session.id });
    expect(shared).toMatchObject({ session_id: session.id, status: 'active', paid_by: null });
    expect(await client.sharePayment.share.mutate({ session_id: session.id })).toEqual(shared);

    await payOnSharePage(platform, shareCodeOf(shared.share_url), { payer_name: 'Bob' });
    const read = await client.sharePayment.get.query({ session_id: session.id });
    expect(read).toMatchObject({ status: 'paid', paid_by: { name: 'Bob', label: 'Bob' } });
    const after = await client.consumer.parcels.query({ limit: 20 });
    expect(after.items[0]?.paid_by).toEqual({ name: 'Bob', label: 'Bob' });

    const refused = await client.sharePayment.share
      .mutate({ session_id: session.id })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({ status: 409, code: 'session_not_shareable' });
  });

  it("answers another consumer's session with the same 404 as an unknown one", async () => {
    const owner = await signInTestConsumer(platform);
    const stranger = await signInTestConsumer(platform);
    const { session } = await createTestSessionFor(platform, owner.email);
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: stranger.token });
    for (const id of [session.id, randomUUID()]) {
      const refused = await client.sharePayment.share.mutate({ session_id: id }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(IpayApiError);
      expect(refused).toMatchObject({ status: 404, code: 'shared_session_not_found' });
    }
  });
});
