import {
  createTestMerchant,
  createTestPlatform,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIpayClient, IpayApiError } from './index';

describe('SDK: loyalty cards', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('a merchant issues a card, the consumer finds it beside one they saved, and sees it revoked', async () => {
    const shop = await createTestMerchant(platform, 'SDK Shop');
    const merchant = createIpayClient({ baseUrl: platform.baseUrl, token: shop.token });
    const email = uniqueEmail('sdk-holder');
    const batch = await merchant.loyaltyCards.issueBatch.mutate({
      cards: [{ email, label: 'Club' }, { email }],
    });
    expect(batch.items.map((item) => item.created)).toEqual([true, false]);
    const issued = batch.items[0]?.card;
    if (!issued) throw new Error('no card issued');

    const consumer = await signInTestConsumer(platform, email);
    const wallet = createIpayClient({ baseUrl: platform.baseUrl, token: consumer.token });
    const saved = await wallet.walletLoyaltyCards.add.mutate({
      storeName: 'Koffiebar',
      cardNumber: 'kb 77',
      barcodeFormat: 'code39',
    });
    expect(saved.cardNumber).toBe('KB 77');
    const page = await wallet.walletLoyaltyCards.list.query({ limit: 10 });
    expect(page.items.map((card) => card.id)).toEqual([saved.id, issued.id]);

    await merchant.loyaltyCards.revoke.mutate({ id: issued.id });
    const detail = await wallet.walletLoyaltyCards.get.query({ id: issued.id });
    expect(detail).toMatchObject({ state: 'revoked', merchant: { id: shop.user.organization.id } });

    const refused = await wallet.walletLoyaltyCards.add
      .mutate({ storeName: 'X', cardNumber: '4006381333932', barcodeFormat: 'ean13' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(IpayApiError);
    expect(refused).toMatchObject({ status: 400, code: 'card_number_invalid' });
  });
});
