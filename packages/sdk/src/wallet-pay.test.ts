import { randomUUID } from 'node:crypto';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  orderBody,
  signInTestConsumer,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: paying a payment session from the wallet', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('holds part of a session, takes it back, then pays it all; another key for more is refused', async () => {
    const operator = createIpayClient({
      baseUrl: platform.baseUrl,
      token: (await createTestPlatformAdmin(platform)).token,
      headers: { 'idempotency-key': randomUUID() },
    });
    const merchant = createIpayClient({
      baseUrl: platform.baseUrl,
      token: (await createTestMerchant(platform)).token,
    });
    const ann = await signInTestConsumer(platform);
    await operator.walletAdmin.credit.mutate({
      email: ann.email,
      amountMinor: 6000,
      currency: 'EUR',
      reason: 'welcome',
    });
    const base = orderBody();
    const order = await merchant.orders.create.mutate({
      ...base,
      customer: { ...base.customer, email: ann.email },
    });
    const session = await merchant.orders.createSession.mutate({ id: order.id });
    const wallet = (key: string) =>
      createIpayClient({ baseUrl: platform.baseUrl, token: ann.token, headers: { 'idempotency-key': key } });

    const part = await wallet(randomUUID()).wallet.pay.mutate({ session_id: session.id, amount: 1000 });
    expect(part).toMatchObject({
      sessionStatus: 'PENDING_PAYMENT',
      walletMinor: 1000,
      amountDueMinor: session.amount_minor - 1000,
      hold: { state: 'pending' },
    });
    const back = await wallet(randomUUID()).wallet.cancelPay.mutate({ session_id: session.id });
    expect(back).toMatchObject({ walletMinor: 0, hold: { id: part.hold?.id, state: 'voided' } });

    const key = randomUUID();
    const all = await wallet(key).wallet.pay.mutate({ session_id: session.id });
    expect(all).toMatchObject({
      sessionStatus: 'PAID',
      walletMinor: session.amount_minor,
      hold: { state: 'posted' },
    });
    expect((await wallet(key).wallet.pay.mutate({ session_id: session.id })).hold?.id).toBe(all.hold?.id);
    const more = await wallet(randomUUID())
      .wallet.pay.mutate({ session_id: session.id, amount: 1 })
      .catch((e: unknown) => e);
    expect(more).toBeInstanceOf(IpayApiError);
    expect(more).toMatchObject({ status: 409, code: 'session_not_payable' });
    const balance = await wallet(randomUUID()).wallet.balance.query({});
    expect(balance.balances[0]).toMatchObject({
      availableMinor: 6000 - session.amount_minor,
      pendingMinor: 0,
    });
  });
});
