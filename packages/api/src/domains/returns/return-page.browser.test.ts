import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, payTestOrder, uniqueEmail, type TestPlatform } from '../../testing';
import { mainText as text, startPageHarness, type PageHarness } from '../../testing/browser';

/**
 * The return portal in the system's Chromium, as the consumer sees it: English and Dutch, the label link once a
 * label exists, cancelling from the page, and an unknown link; axe-core on every state, no console errors.
 */
describe('the return portal in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;

  beforeAll(async () => {
    harness = await startPageHarness();
    platform = harness.platform;
  });
  afterAll(() => harness?.close());

  async function openReturn(): Promise<{ id: string; token: string; portalUrl: string }> {
    const paid = await payTestOrder(platform, { email: uniqueEmail('anna') });
    const session = await platform.database.db
      .selectFrom('payment_sessions')
      .select('pay_token')
      .where('id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    const opened = await http(platform.baseUrl, 'POST', '/api/returns/open', {
      body: {
        payToken: session.pay_token,
        items: [{ position: 0, quantity: 1, reason: 'DOES_NOT_FIT' }],
        refundMethod: 'WALLET_CREDIT',
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    return opened.body;
  }

  async function visit(url: string, language: string): Promise<Page> {
    const page = await harness.open({ language });
    await page.goto(url);
    return page;
  }

  const check = (page: Page, screenshot: string) => harness.check(page, screenshot);

  it('shows the case and lets the consumer cancel it while it is approved', async () => {
    const opened = await openReturn();
    const page = await visit(opened.portalUrl, 'en');
    expect(await text(page)).toContain('Your return');
    expect(await text(page)).toContain('1 × T-shirt M');
    expect(await text(page)).toContain('Your return label is being made');
    await check(page, 'return-approved-en');
    await Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);
    expect(page.url()).toBe(opened.portalUrl);
    expect(await text(page)).toContain('Cancelled');
    expect(await page.$('form button[type=submit]')).toBeNull();
    await check(page, 'return-cancelled-en');
    expect(harness.problems).toEqual([]);
  });

  it('offers the label once it is made, in Dutch, and says so for an unknown link', async () => {
    const opened = await openReturn();
    await platform.database.db
      .updateTable('return_cases')
      .set({ status: 'LABEL_CREATED', label_created_at: new Date(), tracking_number: '3SRETURN0001' })
      .where('id', '=', opened.id)
      .execute();
    const page = await visit(opened.portalUrl, 'nl');
    expect(await text(page)).toContain('Je retour');
    const link = await page.$eval('a.button-link', (a) => a.getAttribute('href'));
    expect(link).toBe(`${platform.config.publicUrl}/api/returns/${opened.token}/label`);
    expect(await page.$('form button[type=submit]')).toBeNull();
    await check(page, 'return-label-nl');

    const unknown = await visit(`${platform.baseUrl}/returns/${'x'.repeat(32)}`, 'en');
    expect(await text(unknown)).toContain('Return not found');
    await check(unknown, 'return-unknown-en');
    expect(harness.problems).toEqual([]);
  });
});
