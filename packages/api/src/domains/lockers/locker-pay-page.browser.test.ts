import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestLockerSecret,
  createTestMerchant,
  createTestPlatformAdmin,
  http,
  lockerIssuedBody,
  orderBody,
  sendLockerCall,
  signInTestConsumer,
  type TestPlatform,
} from '../../testing';
import { mainText as main, startPageHarness, type PageHarness } from '../../testing/browser';

/**
 * The pay page in a real Chromium once a carrier put the paid parcel in a locker: the browser that paid sees
 * the locker and its pickup code, another browser with the same link does not.
 */
describe('the locker code on the pay page, in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;

  beforeAll(async () => {
    harness = await startPageHarness();
    platform = harness.platform;
  });
  afterAll(() => harness?.close());

  const open = (context: BrowserContext): Promise<Page> => harness.open({ context });

  it('shows the pickup code to the browser that paid and on the consumer’s parcels, not to another holding the link', async () => {
    const operator = await createTestPlatformAdmin(platform);
    const { secret } = await createTestLockerSecret(platform, operator.token, 'POSTNL');
    const merchant = await createTestMerchant(platform, 'Fietsen BV');
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    const link = session.body.pay_url as string;

    const payer = await open(await harness.browser.createBrowserContext());
    await payer.goto(link);
    await Promise.all([payer.waitForNavigation(), payer.click('form[action$="/start"] button')]);
    expect(await main(payer)).toContain('Your door code');
    expect(await main(payer)).not.toContain('locker');

    const issued = await sendLockerCall(
      platform,
      '/api/lockers/POSTNL/issue-code',
      lockerIssuedBody({ ipay_reference: session.body.ipay_reference_18 }, { pickupCode: '731904' }),
      { secret },
    );
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);

    const response = await payer.goto(link);
    expect(response?.status()).toBe(200);
    const text = await main(payer);
    expect(text).toContain('Your parcel is in a locker');
    expect(text).toContain('PostNL locker Albert Heijn Rokin, compartment B12');
    expect(text).toContain('Collect it before');
    const box = await payer.$eval('section[aria-labelledby="locker-heading"]', (el) => ({
      shown: el.querySelector('.code [aria-hidden]')?.textContent,
      spoken: el.querySelector('.code .visually-hidden')?.textContent,
    }));
    expect(box).toEqual({ shown: '731904', spoken: 'Pickup code: 7 3 1 9 0 4' });
    await harness.check(payer, 'pay-locker-code');

    await payer.goto(`${link}?lang=nl`);
    expect(await main(payer)).toContain('Je pakket ligt in een pakketautomaat');

    const other = await open(await harness.browser.createBrowserContext());
    await other.goto(link);
    const otherText = await main(other);
    expect(otherText).toContain('This parcel has been paid');
    expect(otherText).not.toContain('731904');
    expect(await other.$('section[aria-labelledby="locker-heading"]')).toBeNull();

    const consumer = await signInTestConsumer(platform, orderBody().customer.email);
    const parcels = await open(await harness.browser.createBrowserContext());
    await parcels.setCookie({
      name: 'ipay_consumer',
      value: consumer.token,
      url: `${platform.baseUrl}/consumer`,
    });
    expect((await parcels.goto(`${platform.baseUrl}/consumer/parcels`))?.status()).toBe(200);
    const listed = await main(parcels);
    expect(listed).toContain('From Fietsen BV');
    expect(listed).toContain('Your parcel is in a locker');
    expect(listed).toContain('PostNL locker Albert Heijn Rokin, compartment B12');
    expect(await parcels.$eval('.parcel .code [aria-hidden]', (el) => el.textContent)).toBe('731904');
    await harness.check(parcels, 'consumer-parcels-locker');
  });

  it('saw no console errors (CSP violations, failed loads)', () => {
    expect(harness.problems).toEqual([]);
  });
});
