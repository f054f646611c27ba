import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  payTestOrder,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: an operator sets a merchant fee; the merchant reads its settlement', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { IPAY_DEFAULT_FEE_PER_ORDER_MINOR: '50' } });
  });
  afterAll(() => platform.close());

  it('charges the contract fee from when it is set, and refuses the admin route to the merchant', async () => {
    const merchant = await createTestMerchant(platform);
    const merchantId = merchant.user.organization.id;
    await payTestOrder(platform, { email: 'before@example.com', merchant });
    const operator = createIpayClient({
      baseUrl: platform.baseUrl,
      token: (await createTestPlatformAdmin(platform)).token,
    });
    const fees = await operator.settlement.updateMerchant.mutate({
      id: merchantId,
      ipay_fee_per_order_eur: { amount_minor: 30, currency: 'EUR' },
      reason: 'contract signed',
    });
    expect(fees).toMatchObject({ fee_source: 'contract', history: [{ previous_fee_per_order_eur: null }] });
    await payTestOrder(platform, { email: 'after@example.com', merchant });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());

    const client = createIpayClient({ baseUrl: platform.baseUrl, token: merchant.token });
    const settlement = await client.settlement.settlement.query({ from: today, to: today });
    const refused = await client.settlement.updateMerchant
      .mutate({ id: merchantId, ipay_fee_per_order_eur: null, reason: 'free for me' })
      .catch((e: unknown) => e);

    expect(settlement).toMatchObject({ order_count: 2, fees_minor: 50 + 30, gross_minor: 2 * 4993 });
    expect(settlement.days.map((day) => [day.fee_per_order_minor, day.fee_source])).toEqual([
      [50, 'platform_default'],
      [30, 'contract'],
    ]);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({ status: 403 });
  });
});
