import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@ipay/db';
import {
  createTestLockerSecret,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  lockerIssuedBody,
  orderBody,
  sendLockerCall,
  signInTestConsumer,
  type TestPlatform,
} from '../../testing';
import { CHROMIUM, CHROMIUM_ARGS, MOBILE, seriousViolations } from '../../testing/browser';

const SCREENSHOTS = fileURLToPath(
  new URL(
    process.env.IPAY_UPDATE_SCREENSHOTS === '1'
      ? '../../../../../docs/screenshots/'
      : '../../../test-output/screenshots/',
    import.meta.url,
  ),
);

/**
 * The pay page in a real Chromium once a carrier put the paid parcel in a locker: the browser that paid sees
 * the locker and its pickup code, another browser with the same link does not.
 */
describe('the locker code on the pay page, in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const port = await freePort();
    platform = await createTestPlatform({ port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  async function open(context: Awaited<ReturnType<Browser['createBrowserContext']>>): Promise<Page> {
    const page = await context.newPage();
    await page.setViewport(MOBILE);
    await page.setExtraHTTPHeaders({ 'accept-language': 'en' });
    // A CSP violation or a failed load is a console error; the browser's own favicon request is a 404 by design.
    page.on('console', (message) => {
      const favicon = /^Failed to load resource: .* status of 404/.test(message.text());
      if (message.type() === 'error' && !favicon) problems.push(`${page.url()}: ${message.text()}`);
    });
    return page;
  }

  const main = (page: Page) => page.$eval('main', (el) => (el as unknown as { innerText: string }).innerText);

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

    const payer = await open(await browser.createBrowserContext());
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
    expect(await seriousViolations(payer)).toEqual([]);
    await payer.screenshot({ path: `${SCREENSHOTS}pay-locker-code.png`, fullPage: true });

    await payer.goto(`${link}?lang=nl`);
    expect(await main(payer)).toContain('Je pakket ligt in een pakketautomaat');

    const other = await open(await browser.createBrowserContext());
    await other.goto(link);
    const otherText = await main(other);
    expect(otherText).toContain('This parcel has been paid');
    expect(otherText).not.toContain('731904');
    expect(await other.$('section[aria-labelledby="locker-heading"]')).toBeNull();

    const consumer = await signInTestConsumer(platform, orderBody().customer.email);
    const parcels = await open(await browser.createBrowserContext());
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
    expect(await seriousViolations(parcels)).toEqual([]);
    await parcels.screenshot({ path: `${SCREENSHOTS}consumer-parcels-locker.png`, fullPage: true });
  });

  it('saw no console errors (CSP violations, failed loads)', () => {
    expect(problems).toEqual([]);
  });
});
