import { randomUUID } from 'node:crypto';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatformAdmin,
  http,
  orderBody,
  signInTestConsumer,
  type TestConsumer,
  type TestPlatform,
} from '../../testing';
import { mainText as text, startPageHarness, type PageHarness } from '../../testing/browser';

/**
 * The parcels page's wallet button in the system's Chromium: part of a parcel from a small balance (the pay link
 * then asks only the rest), all of another from a larger one; axe-core on every state, no console errors.
 */
describe('paying a parcel from the wallet on the parcels page, in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;
  let operator: string;

  beforeAll(async () => {
    harness = await startPageHarness();
    platform = harness.platform;
    operator = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => harness?.close());

  const credit = (email: string, amountMinor: number) =>
    http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
      token: operator,
      body: { email, amountMinor, currency: 'EUR', reason: 'goodwill' },
      headers: { 'idempotency-key': randomUUID() },
    });

  async function orderFor(email: string, shopName: string) {
    const shop = await createTestMerchant(platform, shopName);
    const base = orderBody();
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: shop.token,
      body: { ...base, customer: { ...base.customer, email } },
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: shop.token,
    });
    return session.body as { id: string; pay_url: string };
  }

  async function signedInPage(consumer: TestConsumer): Promise<Page> {
    const page = await harness.open();
    await page.setCookie({
      name: 'ipay_consumer',
      value: consumer.token,
      url: `${platform.baseUrl}/consumer`,
    });
    return page;
  }

  const walletButtons = (page: Page) =>
    page.$$eval('form[action="/consumer/parcels/wallet-pay"] button', (buttons) =>
      buttons.map((button) => (button as unknown as { innerText: string }).innerText),
    );

  const check = (page: Page, screenshot: string) => harness.check(page, screenshot);

  it('pays part of a parcel from a small balance, then all of one from a larger balance', async () => {
    const consumer = await signInTestConsumer(platform);
    await credit(consumer.email, 2000);
    const session = await orderFor(consumer.email, 'Fietsen BV');
    const page = await signedInPage(consumer);
    await page.goto(`${platform.baseUrl}/consumer/parcels`);
    expect(await walletButtons(page)).toEqual(['Pay €20.00 of it from your IPAY wallet']);
    await check(page, 'consumer-parcels-wallet-offer');

    await Promise.all([
      page.waitForNavigation(),
      page.click('form[action="/consumer/parcels/wallet-pay"] button'),
    ]);
    expect(new URL(page.url()).search).toBe('?wallet=held');
    expect(await text(page)).toContain('Your wallet pays part of it. Pay the rest with the pay link.');
    expect(await walletButtons(page)).toEqual([]);
    expect(await text(page)).toContain('Pay €29.93 to Fietsen BV');
    await check(page, 'consumer-parcels-wallet-held');
    await page.goto(session.pay_url);
    expect(await text(page)).toContain('€29.93');
    expect(await text(page)).toContain('From your IPAY wallet');
    await check(page, 'pay-page-wallet-part');

    await credit(consumer.email, 6000);
    await orderFor(consumer.email, 'Boekhandel De Vries');
    await page.goto(`${platform.baseUrl}/consumer/parcels`);
    // The first parcel's wallet part is held already: only the new one is offered.
    expect(await walletButtons(page)).toEqual(['Pay €49.93 from your IPAY wallet']);
    await Promise.all([
      page.waitForNavigation(),
      page.click('form[action="/consumer/parcels/wallet-pay"] button'),
    ]);
    expect(await text(page)).toContain('Paid from your wallet.');
    expect(await text(page)).toContain('From Boekhandel De Vries');
    await check(page, 'consumer-parcels-wallet-paid');
    const balance = await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: consumer.token });
    expect(balance.body.balances[0]).toMatchObject({ availableMinor: 6000 - 4993, pendingMinor: 2000 });
    expect(harness.problems).toEqual([]);
  }, 120_000);

  it('refuses the form from another site and moves nothing', async () => {
    const consumer = await signInTestConsumer(platform);
    await credit(consumer.email, 6000);
    const session = await orderFor(consumer.email, 'Fietsen BV');
    const forged = await http(platform.baseUrl, 'POST', '/consumer/parcels/wallet-pay', {
      rawBody: new URLSearchParams({ session_id: session.id, amount: '4993', key: 'k1' }).toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        cookie: `ipay_consumer=${consumer.token}`,
      },
    });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.status).toBeLessThan(500);
    const balance = await http(platform.baseUrl, 'GET', '/api/wallet/balance', { token: consumer.token });
    expect(balance.body.balances[0]).toMatchObject({ availableMinor: 6000, pendingMinor: 0 });
  });
});
