import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPartner,
  createTestPartnerUser,
  createTestSponsor,
  http,
  inviteTestMember,
  iqpayOrderBody,
  mailTestPasswordReset,
  orderBody,
  runDoorCodeJob,
  sendJson,
  startFakeServer,
  TEST_PASSWORD,
  type FakeServer,
  type TestPlatform,
} from '../testing';
import { mainText as text, startPageHarness, submit, type PageHarness } from '../testing/browser';

/** The link inside the QR code PNG the API returned, read as a phone's camera would. */
function decodeQr(dataUrl: string): string | undefined {
  const png = PNG.sync.read(Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/**
 * The consumer pages in a real Chromium (the system's, never a downloaded one): the QR code's link, paying with
 * the simulator, the door code only in the browser that paid, the driver's release and delivery, a benefit
 * card's activation, an invitation accepted and a password reset; axe-core on every state, and screenshots for
 * docs/consumer-pages.md.
 */
describe('the consumer pages in Chromium', () => {
  let harness: PageHarness;
  let platform: TestPlatform;
  let sms: FakeServer;
  let consumer: BrowserContext;
  let stranger: BrowserContext;

  beforeAll(async () => {
    sms = await startFakeServer((_request, response) => sendJson(response, 201, { id: 'sms-1' }));
    harness = await startPageHarness({
      env: { SMS_API_URL: sms.url, SMS_API_KEY: 'test-access-key', SMS_FROM: 'IPAY' },
    });
    platform = harness.platform;
    consumer = await harness.browser.createBrowserContext();
    stranger = await harness.browser.createBrowserContext();
  });
  afterAll(async () => {
    await harness?.close();
    await sms?.close();
  });

  // Unknown, expired, cancelled and used links answer 400, 404 and 410 on purpose, and so do refused forms.
  const open = (context: BrowserContext): Promise<Page> =>
    harness.open({ context, expectedStatuses: [400, 404, 410] });
  const check = (page: Page, screenshot?: string) => harness.check(page, screenshot);

  it('pays from the QR code, shows the code only to the paying browser, and follows the parcel to the door', async () => {
    const merchant = await createTestMerchant(platform, 'Fietsen BV');
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    const link = decodeQr(session.body.qr_png_data_url as string);
    expect(link).toBe(session.body.pay_url);
    expect(link).toMatch(new RegExp(`^${platform.baseUrl}/pay/`));

    const payer = await open(consumer);
    const first = await payer.goto(link!);
    expect(first?.status()).toBe(200);
    expect(first?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await payer.$eval('html', (html) => html.lang)).toBe('en');
    expect(await text(payer)).toContain('€49.93');
    expect(await text(payer)).toContain('2 × T-shirt M');
    await check(payer, 'pay-pending-en');

    await payer.goto(`${link}?lang=nl`);
    expect(await payer.$eval('html', (html) => html.lang)).toBe('nl');
    expect(await text(payer)).toContain('Kies hoe je betaalt');
    await check(payer, 'pay-pending-nl');
    // The choice is remembered: the bare link stays Dutch in this browser.
    await payer.goto(link!);
    expect(await payer.$eval('html', (html) => html.lang)).toBe('nl');
    await payer.goto(`${link}?lang=en`);

    await submit(payer, 'form[action$="/start"] button');
    const paidText = await text(payer);
    expect(paidText).toContain('Your door code');
    const code = await payer.$eval('.code [aria-hidden]', (el) => el.textContent ?? '');
    expect(code).toMatch(/^[0-9]{4}$/);
    expect(await payer.$eval('.code .visually-hidden', (el) => el.textContent)).toBe(
      `Door code: ${code.split('').join(' ')}`,
    );
    expect(paidText).toContain('a***@example.nl and +31 **** 78');
    await check(payer, 'pay-paid-code-en');
    await payer.goto(`${link}?lang=nl`);
    expect(await text(payer)).toContain('Je deurcode');
    await check(payer, 'pay-paid-code-nl');
    await payer.goto(`${link}?lang=en`);

    // Another browser with the same link (the merchant's, a forwarded message): paid, but no code.
    const other = await open(stranger);
    await other.goto(link!);
    const otherText = await text(other);
    expect(otherText).toContain('This parcel has been paid');
    expect(otherText).toContain('a***@example.nl and +31 **** 78');
    expect(otherText).not.toContain(code);
    expect(await other.$('.code')).toBeNull();
    await check(other, 'pay-paid-elsewhere');

    // The code went out by e-mail and SMS (the worker's job); "send it again" goes to the same addresses.
    expect(await runDoorCodeJob(platform, session.body.id as string)).toBe(true);
    const outbox = () =>
      platform.database.db
        .selectFrom('email_outbox')
        .selectAll()
        .where('to', '=', 'anna@example.nl')
        .execute();
    expect((await outbox()).filter((m) => m.text.includes(`Je deurcode is ${code}.`))).toHaveLength(1);
    await submit(other, 'form[action$="/resend"] button');
    expect(await text(other)).toContain('We sent the code again to a***@example.nl and +31 **** 78');
    expect(new URL(other.url()).pathname).toBe(new URL(link!).pathname);
    await check(other, 'pay-code-resent');
    expect((await outbox()).filter((m) => m.text.includes(code))).toHaveLength(2);
    const smsOutbox = await platform.database.db
      .selectFrom('sms_outbox')
      .selectAll()
      .where('to', '=', '+31612345678')
      .execute();
    expect(smsOutbox.filter((m) => m.text.includes(code))).toHaveLength(2);

    // The driver of a partner organization releases the parcel with the code the consumer shows.
    const partner = await createTestPartner(platform, ['POSTNL'], 'Snel Bezorgd');
    const driver = await createTestPartnerUser(platform, partner.id, 'driver');
    const released = await http(platform.baseUrl, 'POST', '/api/driver/verify-otp', {
      token: driver.token,
      body: { ipay_reference_18: session.body.ipay_reference_18, otp_4: code },
    });
    expect(released.body.status).toBe('RELEASED');
    await payer.reload();
    expect(await text(payer)).toContain('The driver has confirmed your door code.');
    expect(await payer.$('.code')).toBeNull();
    await check(payer, 'pay-released');

    for (const status of ['PICKED_UP', 'IN_DELIVERY', 'DELIVERED']) {
      const moved = await http(
        platform.baseUrl,
        'POST',
        `/api/payment-sessions/${session.body.id}/parcel-status`,
        { token: driver.token, body: { status } },
      );
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    await payer.reload();
    expect(await text(payer)).toContain('Your parcel was delivered on');
    await check(payer, 'pay-delivered');
  });

  it('gives expired, cancelled and unknown links their own pages', async () => {
    const merchant = await createTestMerchant(platform, 'Boekhandel De Hoek');
    const links: string[] = [];
    for (let i = 0; i < 2; i++) {
      const order = await http(platform.baseUrl, 'POST', '/api/orders', {
        token: merchant.token,
        body: orderBody(),
      });
      const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
        token: merchant.token,
      });
      links.push(session.body.pay_url as string);
      if (i === 0) {
        await platform.database.db
          .updateTable('payment_sessions')
          .set({ expires_at: new Date(Date.now() - 60_000) })
          .where('id', '=', session.body.id)
          .execute();
      } else {
        const cancelled = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/cancel`, {
          token: merchant.token,
          body: { reason: 'out of stock' },
        });
        expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      }
    }
    const page = await open(consumer);
    const expired = await page.goto(links[0]!);
    expect(expired?.status()).toBe(410);
    expect(await text(page)).toContain('This payment link has expired');
    expect(await text(page)).toContain('Boekhandel De Hoek');
    await check(page, 'pay-expired');
    const cancelled = await page.goto(links[1]!);
    expect(cancelled?.status()).toBe(410);
    expect(await text(page)).toContain('This order was cancelled');
    await check(page);
    const unknown = await page.goto(`${platform.baseUrl}/pay/${'x'.repeat(43)}`);
    expect(unknown?.status()).toBe(404);
    expect(await text(page)).toContain('We do not know this payment link');
    await check(page, 'pay-unknown');
  });

  it('shows a benefit card from its link and activates it', async () => {
    const sponsor = await createTestSponsor(platform, { channel: 'email' });
    const ordered = await http(
      platform.baseUrl,
      'POST',
      '/organization/Sponsor/Order/CreateOrderWithMember',
      { token: sponsor.adminToken, body: iqpayOrderBody(sponsor) },
    );
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
    const card = await platform.database.db
      .selectFrom('benefit_cards')
      .select('activation_code')
      .where('order_id', '=', ordered.body.id)
      .executeTakeFirstOrThrow();
    const page = await open(consumer);
    const shown = await page.goto(`${platform.baseUrl}/card/${card.activation_code}`);
    expect(shown?.status()).toBe(200);
    expect(await text(page)).toContain('Ready to activate');
    await check(page, 'card-pending');
    await submit(page, 'form[action$="/activate"] button');
    expect(await text(page)).toContain('Your card is active.');
    await check(page, 'card-active');
    await page.goto(`${platform.baseUrl}/card/${card.activation_code}?lang=nl`);
    expect(await text(page)).toContain('Actief');
    await check(page, 'card-active-nl');
    const unknown = await page.goto(`${platform.baseUrl}/card/AAAA-AAAA-AAAA-AAAA-AAAA`);
    expect(unknown?.status()).toBe(404);
    await check(page);

    // A second card whose validity ran out before the member opened it: no Activate button, the date instead.
    const late = await http(platform.baseUrl, 'POST', '/organization/Sponsor/Order/CreateOrderWithMember', {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor),
    });
    expect(late.status, JSON.stringify(late.body)).toBe(200);
    const expired = await platform.database.db
      .updateTable('benefit_cards')
      .set({ expires_at: new Date(Date.now() - 86_400_000) })
      .where('order_id', '=', late.body.id)
      .returning('activation_code')
      .executeTakeFirstOrThrow();
    await page.goto(`${platform.baseUrl}/card/${expired.activation_code}?lang=en`);
    expect(await text(page)).toContain('This card expired on');
    expect(await page.$('form[action$="/activate"]')).toBeNull();
    await check(page, 'card-expired');
  });

  it("accepts an invitation and sets a new password from the e-mails' links", async () => {
    const admin = await createTestMerchant(platform, 'Fietsen BV');
    const { email, token } = await inviteTestMember(platform, admin);
    const link = `${platform.baseUrl}/invitations/${token}`;
    const page = await open(consumer);
    // This browser chose Dutch on the card page before: switch back, as a reader would.
    const shown = await page.goto(`${link}?lang=en`);
    expect(shown?.status()).toBe(200);
    expect(shown?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await text(page)).toContain(email);
    expect(await text(page)).toContain('Fietsen BV');
    await check(page, 'invitation-form');
    await page.goto(`${link}?lang=nl`);
    expect(await text(page)).toContain('Mijn account aanmaken');
    await check(page, 'invitation-form-nl');
    await page.goto(`${link}?lang=en`);

    await page.type('#field-name', 'Kim Packer');
    await page.type('#field-password', 'too short');
    await page.type('#field-passwordConfirm', 'not the same');
    expect(await submit(page, 'form button[type="submit"]')).toBe(400);
    expect(
      await page.$$eval('.error-summary a', (links) => links.map((a) => a.getAttribute('href'))),
    ).toEqual(['#field-password', '#field-passwordConfirm']);
    expect(await page.$eval('#field-password', (input) => input.getAttribute('aria-invalid'))).toBe('true');
    expect(await page.$eval('#field-name', (input) => (input as unknown as { value: string }).value)).toBe(
      'Kim Packer',
    );
    expect(
      await page.$eval('#field-password', (input) => (input as unknown as { value: string }).value),
    ).toBe('');
    await check(page, 'invitation-errors');

    await page.type('#field-password', TEST_PASSWORD);
    await page.type('#field-passwordConfirm', TEST_PASSWORD);
    expect(await submit(page, 'form button[type="submit"]')).toBe(200);
    expect(await text(page)).toContain('Your account is ready');
    await check(page, 'invitation-accepted');
    const signedIn = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      body: { email, password: TEST_PASSWORD },
    });
    expect(signedIn.status).toBe(200);

    const reopened = await page.goto(link);
    expect(reopened?.status()).toBe(410);
    expect(await text(page)).toContain('This invitation was already accepted');
    await check(page, 'invitation-used');

    const expired = await inviteTestMember(platform, admin);
    await platform.database.db
      .updateTable('user_invitations')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('email', '=', expired.email)
      .execute();
    expect((await page.goto(`${platform.baseUrl}/invitations/${expired.token}`))?.status()).toBe(410);
    expect(await text(page)).toContain('Ask your administrator for a new invitation.');
    await check(page, 'invitation-expired');
    const revoked = await inviteTestMember(platform, admin);
    await platform.caller({ token: admin.token }).auth.members.revokeInvitation({ id: revoked.invitationId });
    expect((await page.goto(`${platform.baseUrl}/invitations/${revoked.token}`))?.status()).toBe(410);
    await check(page);
    expect((await page.goto(`${platform.baseUrl}/invitations/${'x'.repeat(43)}`))?.status()).toBe(404);
    await check(page);

    const resetToken = await mailTestPasswordReset(platform, email);
    const resetLink = `${platform.baseUrl}/password-reset/${resetToken}`;
    expect((await page.goto(resetLink))?.status()).toBe(200);
    await check(page, 'reset-form');
    await page.type('#field-password', 'a freshly reset passphrase');
    await page.type('#field-passwordConfirm', 'a freshly reset passphrase');
    expect(await submit(page, 'form button[type="submit"]')).toBe(200);
    expect(await text(page)).toContain('Your password is changed');
    expect(await text(page)).toContain('Every earlier sign-in is signed out.');
    await check(page, 'reset-changed');
    expect((await http(platform.baseUrl, 'GET', '/api/auth/me', { token: signedIn.body.token })).status).toBe(
      401,
    );
    expect((await page.goto(resetLink))?.status()).toBe(410);
    expect(await text(page)).toContain('This link was already used');
    await check(page, 'reset-used');
    expect((await page.goto(`${platform.baseUrl}/password-reset/${'z'.repeat(43)}`))?.status()).toBe(400);
    expect(await text(page)).toContain('This password-reset link does not work');
    await check(page, 'reset-unknown');
  });

  it('saw no console errors (CSP violations, failed loads) on any page', () => {
    expect(harness.problems).toEqual([]);
  });
});
