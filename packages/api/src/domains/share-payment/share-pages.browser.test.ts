import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestSessionFor,
  signInTestConsumer,
  type TestPlatform,
} from '../../testing';
import { mainText as text, startPageHarness, submit, type PageHarness } from '../../testing/browser';

/**
 * The share link in the system's Chromium, as the person it was sent to sees it: the share page (English and
 * Dutch), a refused name, paying with a name, the pay page reached through it, and an unknown link; axe-core on
 * every state, no console errors (a CSP violation would be one), screenshots for docs/domains/share-payment.md.
 */
describe('the share page in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;
  let payer: BrowserContext;

  beforeAll(async () => {
    harness = await startPageHarness();
    platform = harness.platform;
    payer = await harness.browser.createBrowserContext();
  });
  afterAll(() => harness?.close());

  // The refused name and the unknown link answer 400 and 404 on purpose; so does the browser's /favicon.ico.
  const open = (language: string): Promise<Page> =>
    harness.open({ language, context: payer, expectedStatuses: [400, 404] });
  const check = (page: Page, screenshot: string) => harness.check(page, screenshot);

  it('opens the link, refuses a name that is not plain text, pays with a name, and the owner sees who paid', async () => {
    const owner = await signInTestConsumer(platform);
    const shop = await createTestMerchant(platform, 'Fietsen BV');
    const { session, token } = await createTestSessionFor(platform, owner.email, shop);
    const shared = await platform
      .caller({ token: owner.token })
      .sharePayment.share({ session_id: session.id });

    const page = await open('en');
    const opened = await page.goto(shared.share_url);
    expect(opened?.status()).toBe(200);
    const shown = await text(page);
    expect(shown).toContain("Pay for someone's parcel");
    expect(shown).toContain('Fietsen BV');
    expect(shown).not.toContain(owner.email);
    await check(page, 'share-page');
    await page.goto(`${shared.share_url}?lang=nl`);
    expect(await text(page)).toContain('Je naam (niet verplicht)');
    await check(page, 'share-page-nl');

    await page.goto(`${shared.share_url}?lang=en`);
    // Past the input's maxlength, as a client that ignores it would send.
    await page.$eval(
      '#payer_name',
      (input) => ((input as unknown as { value: string }).value = 'B'.repeat(81)),
    );
    expect(await submit(page, 'button[value=simulate]')).toBe(400);
    expect(await page.$eval('#payer_name', (input) => input.getAttribute('aria-invalid'))).toBe('true');
    expect(await text(page)).toContain('at most 80 characters');
    await check(page, 'share-name-error');

    await page.$eval('#payer_name', (input) => ((input as unknown as { value: string }).value = ''));
    await page.type('#payer_name', 'Bob Janssen');
    expect(await submit(page, 'button[value=simulate]')).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/pay/${token}`);
    const paid = await text(page);
    expect(paid).toContain('This parcel has been paid');
    expect(await page.$('.code')).toBeNull();
    await check(page, 'share-paid');

    const again = await page.goto(shared.share_url);
    expect(again?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe(`/pay/${token}`);

    const read = await platform.caller({ token: owner.token }).sharePayment.get({ session_id: session.id });
    expect(read).toMatchObject({ status: 'paid', paid_by: { name: 'Bob Janssen' } });

    const unknown = await page.goto(`${platform.baseUrl}/s/${'A'.repeat(16)}`);
    expect(unknown?.status()).toBe(404);
    expect(await text(page)).toContain('We do not know this link');
    await check(page, 'share-unknown');
    expect(harness.problems).toEqual([]);
  }, 120_000);
});
