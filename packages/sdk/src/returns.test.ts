import { randomUUID } from 'node:crypto';
import { createTestPlatform, payTestOrder, uniqueEmail, type TestPlatform } from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: a consumer opens a return by pay token and reads it on the portal', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('opens once per Idempotency-Key, reads the portal by token, and refuses a second return of the same item', async () => {
    const paid = await payTestOrder(platform, { email: uniqueEmail('sdk-returns') });
    const { pay_token: payToken } = await platform.database.db
      .selectFrom('payment_sessions')
      .select('pay_token')
      .where('id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    const consumer = createIpayClient({
      baseUrl: platform.baseUrl,
      headers: { 'idempotency-key': randomUUID() },
    });
    const input = {
      payToken,
      items: [{ position: 1, quantity: 1, reason: 'DEFECTIVE' as const, reasonText: 'Holes' }],
      refundMethod: 'ORIGINAL_PAYMENT' as const,
    };
    const opened = await consumer.returns.open.mutate(input);
    expect(opened).toMatchObject({ status: 'APPROVED', itemsValueMinor: 500, currency: 'EUR' });
    expect((await consumer.returns.open.mutate(input)).id).toBe(opened.id);

    const anonymous = createIpayClient({ baseUrl: platform.baseUrl });
    const portal = await anonymous.returns.portal.query({ token: opened.token });
    expect(portal).toMatchObject({ status: 'APPROVED', nextAction: 'WAIT_FOR_LABEL', canCancel: true });
    expect(portal.items).toEqual([
      expect.objectContaining({ sku: 'SOCKS', quantity: 1, reason: 'DEFECTIVE' }),
    ]);

    const twice = await anonymous.returns.open.mutate(input).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(IpayApiError);
    expect(twice).toMatchObject({ status: 400, code: 'return_item_invalid' });
    const unknown = await anonymous.returns.portal.query({ token: 'x'.repeat(32) }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ status: 404, code: 'return_not_found' });
  });
});
