import { randomUUID } from 'node:crypto';
import {
  createTestPlatform,
  payTestOrder,
  relayTestEvents,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: a consumer’s points', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('reads the points a paid order earned, and redeems some with an Idempotency-Key', async () => {
    const email = uniqueEmail('sdk-points');
    const { orderId } = await payTestOrder(platform, { email });
    await relayTestEvents(platform);
    const consumer = await signInTestConsumer(platform, email);
    const client = createIpayClient({ baseUrl: platform.baseUrl, token: consumer.token });

    const mine = await client.points.me.query({ limit: 10 });
    expect(mine).toMatchObject({ email, availablePoints: 49, nextExpiry: { points: 49 } });
    expect(mine.history.items).toMatchObject([{ kind: 'earned', points: 49, orderId }]);

    const keyed = createIpayClient({
      baseUrl: platform.baseUrl,
      token: consumer.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    const redeemed = await keyed.points.redeem.mutate({ points: 9 });
    expect(redeemed).toMatchObject({ points: 9, amountMinor: 9, availablePoints: 40 });
    const tooMany = await keyed.points.redeem.mutate({ points: 41 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(IpayApiError);
    expect(tooMany).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
  });
});
