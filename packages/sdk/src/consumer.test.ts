import { randomUUID } from 'node:crypto';
import {
  createTestPlatform,
  createTestPlatformAdmin,
  mailedLinkToken,
  uniqueEmail,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: a consumer signs in by magic link and sends wallet money', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('requests a link, redeems it once, and transfers once per Idempotency-Key', async () => {
    const anonymous = createIpayClient({ baseUrl: platform.baseUrl });
    const email = uniqueEmail('sdk-consumer');
    const asked = await anonymous.consumer.requestMagicLink.mutate({ email });
    const unknown = await anonymous.consumer.requestMagicLink.mutate({ email: uniqueEmail('sdk-nobody') });
    expect(asked).toEqual(unknown);

    const linkToken = await mailedLinkToken(platform, email, 'consumer/sign-in');
    const session = await anonymous.consumer.redeemMagicLink.mutate({ token: linkToken });
    expect(session.consumer.email).toBe(email);
    const again = await anonymous.consumer.redeemMagicLink
      .mutate({ token: linkToken })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(IpayApiError);
    expect(again).toMatchObject({ status: 400, code: 'magic_link_invalid' });

    const operator = createIpayClient({
      baseUrl: platform.baseUrl,
      token: (await createTestPlatformAdmin(platform)).token,
      headers: { 'idempotency-key': randomUUID() },
    });
    await operator.walletAdmin.credit.mutate({
      email,
      amountMinor: 1500,
      currency: 'EUR',
      reason: 'goodwill',
    });
    const key = randomUUID();
    const consumer = createIpayClient({
      baseUrl: platform.baseUrl,
      token: session.token,
      headers: { 'idempotency-key': key },
    });
    const to = uniqueEmail('sdk-recipient');
    const sent = await consumer.wallet.transfer.mutate({ to, amount: 600, currency: 'EUR', note: 'lunch' });
    const retried = await consumer.wallet.transfer.mutate({
      to,
      amount: 600,
      currency: 'EUR',
      note: 'lunch',
    });
    expect(retried.id).toBe(sent.id);
    const balance = await consumer.wallet.balance.query({});
    expect(balance.balances[0]).toMatchObject({ currency: 'EUR', availableMinor: 900 });
    const tooMuch = await createIpayClient({
      baseUrl: platform.baseUrl,
      token: session.token,
      headers: { 'idempotency-key': randomUUID() },
    })
      .wallet.transfer.mutate({ to, amount: 901, currency: 'EUR' })
      .catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ status: 422 });
  });
});
