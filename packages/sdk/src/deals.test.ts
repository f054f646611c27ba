import {
  createTestMerchant,
  createTestPlatform,
  createTestPurchase,
  signInTestConsumer,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: deals', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('a merchant publishes a deal and its customer reads it in GET /api/deals/feed, first, until it is retired', async () => {
    const merchant = await createTestMerchant(platform);
    const consumer = await signInTestConsumer(platform);
    await createTestPurchase(platform, merchant, consumer.email);
    const shop = createIpayClient({ baseUrl: platform.baseUrl, token: merchant.token });
    const window = { starts_at: '2026-01-01T00:00:00Z', ends_at: '2030-01-01T00:00:00Z' };
    const elsewhere = await shop.deals.create.mutate({
      title: 'Free shipping',
      description: 'On every order.',
      ...window,
      targeting: { countries: ['DE'] },
    });
    const deal = await shop.deals.create.mutate({
      title: 'Ten percent off socks',
      description: 'Every pair, this month.',
      code: 'SOCKS10',
      ...window,
    });
    expect(deal.status).toBe('live');

    const app = createIpayClient({ baseUrl: platform.baseUrl, token: consumer.token });
    const feed = await app.deals.feed.query({ limit: 10 });
    expect(feed.items[0]).toMatchObject({ id: deal.id, placement: 'bought_from', code: 'SOCKS10' });
    expect(feed.items.map((item) => item.id)).not.toContain(elsewhere.id);

    await shop.deals.retire.mutate({ id: deal.id });
    expect((await app.deals.feed.query({ limit: 10 })).items.map((item) => item.id)).not.toContain(deal.id);
    const refused = await shop.deals.feed.query({ limit: 10 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({ status: 401, code: 'consumer_token_required' });
  });
});
