import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  http,
  mailedLinkToken,
  orderBody,
  payTokenOf,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import { mainText as text, startPageHarness, submit, type PageHarness } from '../../testing/browser';

/**
 * The consumer's own pages in the system's Chromium: asking for a sign-in link, the confirm page the e-mail leads
 * to, the parcels list with a pay link, signing out, and a used link; axe-core on every state, no console errors
 * (a CSP violation would be one), screenshots for docs/domains/consumer.md.
 */
describe('the consumer sign-in and parcels pages in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;
  let context: BrowserContext;

  beforeAll(async () => {
    harness = await startPageHarness();
    platform = harness.platform;
    context = await harness.browser.createBrowserContext();
  });
  afterAll(() => harness?.close());

  // Refused forms and used links answer 400 on purpose; the browser's own /favicon.ico request finds nothing.
  const open = (language: string): Promise<Page> =>
    harness.open({ language, context, expectedStatuses: [400, 404] });
  const check = (page: Page, screenshot: string) => harness.check(page, screenshot);

  it('asks for a link, confirms it, lists the parcels with the pay link, and signs out', async () => {
    const email = uniqueEmail('jansen');
    const shop = await createTestMerchant(platform, 'Fietsen BV');
    const books = await createTestMerchant(platform, 'Boekhandel De Vries');
    const base = orderBody();
    const customer = { ...base.customer, email };
    const due = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: shop.token,
      body: { ...base, customer },
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${due.body.id}/create-session`, {
      token: shop.token,
    });
    const paidOrder = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: books.token,
      body: { ...orderBody(), customer },
    });
    const paidSession = await http(
      platform.baseUrl,
      'POST',
      `/api/orders/${paidOrder.body.id}/create-session`,
      {
        token: books.token,
      },
    );
    await http(
      platform.baseUrl,
      'POST',
      `/api/session/${payTokenOf(paidSession.body.pay_url)}/start-payment`,
      {
        body: {},
      },
    );

    const page = await open('nl');
    await page.goto(`${platform.baseUrl}/consumer/sign-in`);
    expect(await page.$eval('html', (html) => html.getAttribute('lang'))).toBe('nl');
    await check(page, 'consumer-sign-in-nl');
    await page.type('#email', 'geen-adres');
    expect(await submit(page, 'button[type=submit]')).toBe(400);
    expect(await page.$eval('#email', (input) => input.getAttribute('aria-invalid'))).toBe('true');
    await check(page, 'consumer-sign-in-error');
    await page.$eval('#email', (input) => ((input as unknown as { value: string }).value = ''));
    await page.type('#email', email);
    expect(await submit(page, 'button[type=submit]')).toBe(200);
    expect(await text(page)).toContain('Kijk in je e-mail');
    await check(page, 'consumer-link-sent');

    const token = await mailedLinkToken(platform, email, 'consumer/sign-in');
    const mail = await platform.database.db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to', '=', email)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Inloggen bij IPAY');
    await page.goto(`${platform.baseUrl}/consumer/sign-in/${token}?lang=en`);
    expect(await text(page)).toContain('Press the button to sign in');
    await check(page, 'consumer-confirm');
    expect(await submit(page, 'button[type=submit]')).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/consumer/parcels');
    const list = await text(page);
    expect(list).toContain(`Signed in as ${email}`);
    expect(list).toContain('From Fietsen BV');
    expect(list).toContain('Payment due');
    expect(list).toContain('From Boekhandel De Vries');
    expect(list).toContain('Paid');
    const payLinks = await page.$$eval('a.button-link', (links) =>
      links.map((link) => link.getAttribute('href')),
    );
    expect(payLinks).toEqual([session.body.pay_url]);
    await check(page, 'consumer-parcels');
    await page.goto(`${platform.baseUrl}/consumer/parcels?lang=nl`);
    expect(await text(page)).toContain('Nog te betalen');
    await check(page, 'consumer-parcels-nl');

    expect(await submit(page, 'form[action="/consumer/sign-out"] button')).toBe(200);
    expect(await text(page)).toContain('Je bent op dit apparaat uitgelogd.');
    await page.goto(`${platform.baseUrl}/consumer/parcels`);
    expect(new URL(page.url()).pathname).toBe('/consumer/sign-in');

    const used = await page.goto(`${platform.baseUrl}/consumer/sign-in/${token}?lang=en`);
    expect(used?.status()).toBe(400);
    expect(await text(page)).toContain('This sign-in link does not work');
    await check(page, 'consumer-link-used');
    expect(harness.problems).toEqual([]);
  }, 120_000);
});
