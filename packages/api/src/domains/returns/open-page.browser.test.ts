import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payTestOrder, signInTestConsumer, uniqueEmail, type TestPlatform } from '../../testing';
import { mainText as text, startPageHarness, type PageHarness } from '../../testing/browser';

const DAY_MS = 86_400_000;

/**
 * The return form in the system's Chromium, from the pay page (pay token) and from the parcels page (consumer
 * session): what is left to return, the service's refusals in the page, the landing on the portal; axe-core on
 * every state, no console errors.
 */
describe('the return form in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;

  beforeAll(async () => {
    harness = await startPageHarness();
    platform = harness.platform;
  });
  afterAll(() => harness?.close());

  async function paidOrder(email: string) {
    const paid = await payTestOrder(platform, { email });
    const session = await platform.database.db
      .selectFrom('payment_sessions')
      .select('pay_token')
      .where('id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    return { ...paid, payToken: session.pay_token };
  }

  // The refused submits answer 400/409 with the form again: expected, like the portal's 404.
  const newPage = (language: string): Promise<Page> =>
    harness.open({ language, expectedStatuses: [400, 404, 409] });

  const submit = (page: Page) =>
    Promise.all([page.waitForNavigation(), page.click('form button[type=submit]')]);

  const check = (page: Page, screenshot: string) => harness.check(page, screenshot);

  it('opens a return from the pay page, and shows the refusals of the service in the page', async () => {
    const order = await paidOrder(uniqueEmail('anna'));
    const page = await newPage('en');
    await page.goto(`${platform.baseUrl}/pay/${order.payToken}`);
    await Promise.all([page.waitForNavigation(), page.click('a[href$="/return"]')]);
    expect(new URL(page.url()).pathname).toBe(`/pay/${order.payToken}/return`);
    expect(await text(page)).toContain('How many to return (up to 2)');
    expect(await text(page)).toContain('Socks');
    // Every reason select starts on "Choose a reason": nobody is given a reason they did not choose.
    expect(await page.$eval('#reason-0', (select) => (select as unknown as { value: string }).value)).toBe(
      '',
    );
    expect(await page.$eval('#reason-0 option:checked', (option) => option.textContent)).toBe(
      'Choose a reason',
    );
    await check(page, 'return-form-en');

    await submit(page);
    expect(await text(page)).toContain('Choose at least one item to return.');
    await check(page, 'return-form-no-items-en');

    await page.select('#qty-0', '2');
    await page.select('#reason-0', 'DOES_NOT_FIT');
    await page.type('#text-0', 'Too small');
    await page.click('#method-WALLET_CREDIT');
    await submit(page);
    expect(new URL(page.url()).pathname).toMatch(/^\/returns\/[^/]+$/);
    expect(await text(page)).toContain('2 × T-shirt M — Does not fit');
    expect(await text(page)).toContain('Your IPAY wallet');
    await check(page, 'return-form-opened-en');

    // The T-shirts are in the open case: only the socks are left. The window closes while the form is open.
    await page.goto(`${platform.baseUrl}/pay/${order.payToken}/return`);
    expect(await page.$('#qty-0')).toBeNull();
    expect(await page.$('#qty-1')).not.toBeNull();
    await platform.database.db
      .updateTable('payment_sessions')
      .set({ status: 'DELIVERED', delivered_at: new Date(Date.now() - 400 * DAY_MS) })
      .where('id', '=', order.sessionId)
      .execute();
    await page.select('#qty-1', '1');
    await page.select('#reason-1', 'OTHER');
    await submit(page);
    expect(await text(page)).toContain("The shop's return period for this order has ended.");
    expect(await page.$('form button[type=submit]')).toBeNull();
    await check(page, 'return-form-window-closed-en');
    const cases = await platform.database.db
      .selectFrom('return_cases')
      .select('id')
      .where('session_id', '=', order.sessionId)
      .execute();
    expect(cases).toHaveLength(1);
    expect(harness.problems).toEqual([]);
  }, 120_000);

  it("opens a return from the consumer's parcels page, in Dutch, until nothing is left", async () => {
    const consumer = await signInTestConsumer(platform);
    const order = await paidOrder(consumer.email);
    const page = await newPage('nl');
    await page.setCookie({
      name: 'ipay_consumer',
      value: consumer.token,
      url: `${platform.baseUrl}/consumer`,
    });
    await page.goto(`${platform.baseUrl}/consumer/parcels`);
    const form = `/consumer/parcels/${order.sessionId}/return`;
    await Promise.all([page.waitForNavigation(), page.click(`a[href="${form}"]`)]);
    expect(await text(page)).toContain('Artikelen retourneren');
    await page.select('#qty-0', '2');
    await page.select('#qty-1', '1');
    await page.select('#reason-1', 'DAMAGED');
    await check(page, 'return-form-parcels-nl');
    await submit(page);
    // The T-shirts have no reason yet: refused, naming the field and the item, with the choices kept.
    expect(await text(page)).toContain('Reden is verplicht voor T-shirt M: kies waarom je het terugstuurt.');
    expect(await page.$eval('#reason-0', (select) => select.getAttribute('aria-invalid'))).toBe('true');
    expect(await page.$eval('#reason-1', (select) => select.getAttribute('aria-invalid'))).toBeNull();
    const kept = await page.$$eval('form select', (selects) =>
      selects.map((select) => `${select.id}=${(select as unknown as { value: string }).value}`),
    );
    expect(kept).toEqual(['qty-0=2', 'reason-0=', 'qty-1=1', 'reason-1=DAMAGED']);
    await check(page, 'return-form-reason-missing-nl');
    await page.select('#reason-0', 'WRONG_ITEM');
    await submit(page);
    expect(new URL(page.url()).pathname).toMatch(/^\/returns\/[^/]+$/);
    expect(await text(page)).toContain('1 × Socks');
    await check(page, 'return-form-parcels-opened-nl');

    await page.goto(`${platform.baseUrl}${form}`);
    expect(await text(page)).toContain('Van deze bestelling kan niets meer worden teruggestuurd.');
    expect(await page.$('form button[type=submit]')).toBeNull();
    await check(page, 'return-form-nothing-left-nl');
    const opened = await platform.database.db
      .selectFrom('return_cases')
      .select(['consumer_id', 'refund_method'])
      .where('session_id', '=', order.sessionId)
      .executeTakeFirstOrThrow();
    expect(opened).toEqual({ consumer_id: consumer.consumer.id, refund_method: 'ORIGINAL_PAYMENT' });
    expect(harness.problems).toEqual([]);
  }, 120_000);
});
