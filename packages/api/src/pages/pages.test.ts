import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, smsNumber } from '../domains/payment-sessions/service/door-code';
import { recordPayment } from '../domains/payments/service/record-payment';
import {
  createTestMerchant,
  createTestPaymentSession,
  createTestPlatform,
  http,
  orderBody,
  payOnPayPage,
  postForm,
  startFakeStripe,
  type FakeServer,
  type TestPlatform,
} from '../testing';
import { CATALOGUE, languageFromHeader, LANGUAGES } from './i18n';
import { pageCsp } from './http';

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

describe('the message catalogue', () => {
  it('has the same keys, each filled in, with the same placeholders, in every language', () => {
    const reference = CATALOGUE.en;
    for (const language of LANGUAGES) {
      const messages = CATALOGUE[language];
      expect(Object.keys(messages).sort(), language).toEqual(Object.keys(reference).sort());
      for (const [key, text] of Object.entries(messages)) {
        expect(text.trim(), `${language} ${key}`).not.toBe('');
        expect(placeholders(text), `${language} ${key}`).toEqual(
          placeholders(reference[key as keyof typeof reference]),
        );
      }
    }
  });

  it('picks the language from Accept-Language by quality, English when none is offered', () => {
    expect(languageFromHeader('nl-NL,nl;q=0.9,en;q=0.8')).toBe('nl');
    expect(languageFromHeader('de-DE,en;q=0.5,nl;q=0.7')).toBe('nl');
    expect(languageFromHeader('fr, de')).toBe('en');
    expect(languageFromHeader('nl;q=0, en')).toBe('en');
    expect(languageFromHeader(undefined)).toBe('en');
  });
});

describe('where the door code went, as the page shows it', () => {
  it('masks the e-mail address and phone number', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('@odd')).toBe('***');
    expect(smsNumber('+31 6 12345678')).toBe('+31612345678');
    expect(smsNumber('06-1234 5678')).toBe('0612345678');
    expect(smsNumber('call me')).toBeUndefined();
    expect(smsNumber(null)).toBeUndefined();
    expect(maskPhone('+31612345678')).toBe('+31 **** 78');
    expect(maskPhone('0612345678')).toBe('06 **** 78');
  });
});

describe('the pay page over HTTP', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('answers with strict headers and escapes what merchants wrote', async () => {
    const merchant = await createTestMerchant(platform, '<script>alert(1)</script> & Co');
    const { token } = await createTestPaymentSession(platform, merchant);
    const response = await fetch(`${platform.baseUrl}/pay/${token}`, {
      headers: { 'accept-language': 'nl' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(pageCsp());
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const html = await response.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/style="/);
  });

  it('sets the payer cookie, http-only and scoped to this session, only for the browser that pressed Pay', async () => {
    const { token } = await createTestPaymentSession(platform);
    const paid = await postForm(platform, `/pay/${token}/start`, { psp: 'simulate' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`/pay/${token}`);
    const cookies = paid.headers.getSetCookie().filter((c) => c.startsWith('ipay_payer='));
    expect(cookies.map((c) => /Path=([^;]+)/.exec(c)?.[1])).toEqual([
      `/pay/${token}`,
      `/api/session/${token}`,
    ]);
    for (const cookie of cookies) {
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      // PUBLIC_URL is http here; on https the cookie is Secure too.
      expect(cookie).not.toContain('Secure');
    }
    const cookie = cookies[0]?.split(';')[0] ?? '';

    const withCookie = await http(platform.baseUrl, 'GET', `/api/session/${token}`, { headers: { cookie } });
    expect(withCookie.body.otp_4).toMatch(/^[0-9]{4}$/);
    const without = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(without.body.otp_4).toBeNull();
    expect(without.body.otp_sent_to).toEqual({ email: 'a***@example.nl', phone: null });

    // The proof is bound to its session: another session's cookie, or a made-up one, shows nothing.
    const other = await createTestPaymentSession(platform);
    await payOnPayPage(platform, other.token);
    const borrowed = await http(platform.baseUrl, 'GET', `/api/session/${other.token}`, {
      headers: { cookie },
    });
    expect(borrowed.body.otp_4).toBeNull();
    const forged = await fetch(`${platform.baseUrl}/pay/${token}`, { headers: { cookie: 'ipay_payer=abc' } });
    const forgedHtml = await forged.text();
    expect(forgedHtml).not.toContain('class="code"');
    expect(forgedHtml).toContain('a***@example.nl');

    const page = await (await fetch(`${platform.baseUrl}/pay/${token}`, { headers: { cookie } })).text();
    expect(page).toContain(`Door code: ${(withCookie.body.otp_4 as string).split('').join(' ')}`);
  });

  it('queues the door code for the consumer in the transaction that records the payment', async () => {
    const { token, session } = await createTestPaymentSession(platform);
    await payOnPayPage(platform, token);
    const { rows } = await sql<{ task_identifier: string }>`
      select task_identifier from graphile_worker.jobs where key = ${`door-code:${session.id}`}`.execute(
      platform.database.db,
    );
    expect(rows).toEqual([{ task_identifier: 'payment-sessions.send-door-code' }]);
  });

  it('refuses forms posted from another site, with a page', async () => {
    const { token } = await createTestPaymentSession(platform);
    const crossSite: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const refused = await postForm(platform, `/pay/${token}/start`, { psp: 'simulate' }, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.headers.get('content-type')).toContain('text/html');
      expect(await refused.text()).toContain('Please use the button on the page');
    }
    const view = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(view.body.status).toBe('PENDING_PAYMENT');
    const sameOrigin = await postForm(
      platform,
      `/pay/${token}/start`,
      { psp: 'simulate' },
      {
        origin: platform.baseUrl,
      },
    );
    expect(sameOrigin.status).toBe(303);
  });

  it('answers bad input with pages, never a 500 or JSON', async () => {
    const { token } = await createTestPaymentSession(platform);
    const cases: Array<[Response, number]> = [
      [await postForm(platform, `/pay/${token}/start`, { psp: 'bitcoin' }), 400],
      [await postForm(platform, `/pay/${token}/start`, {}), 400],
      [await postForm(platform, `/pay/${'x'.repeat(43)}/start`, { psp: 'simulate' }), 404],
      [await postForm(platform, '/pay/short/resend', {}), 404],
      [await postForm(platform, `/pay/${token}/start`, { psp: 'simulate\u0000' }), 400],
      [await fetch(`${platform.baseUrl}/pay/${'%E0%A4%A'.repeat(3)}`), 400],
      [await fetch(`${platform.baseUrl}/pay/${token}?payment=%3Cb%3E&lang=xx`), 200],
      [await fetch(`${platform.baseUrl}/card/not-a-code`), 404],
      [await postForm(platform, '/card/AAAA-AAAA-AAAA-AAAA-AAAA/activate', {}), 404],
      [
        await fetch(`${platform.baseUrl}/pay/${token}/start`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
          body: `psp=${'x'.repeat(10_000)}`,
        }),
        400,
      ],
    ];
    for (const [response, status] of cases) {
      expect(response.status, response.url).toBe(status);
      expect(response.headers.get('content-type'), response.url).toContain('text/html');
    }
  });

  it('tells the consumer who comes back from the PSP what happened', async () => {
    const { token, session } = await createTestPaymentSession(platform);
    const page = async (query: string) =>
      (
        await fetch(`${platform.baseUrl}/pay/${token}${query}`, { headers: { 'accept-language': 'en' } })
      ).text();
    expect(await page('?payment=cancelled')).toContain('You cancelled the payment.');
    expect(await page('?payment=success')).toContain('We are waiting for your payment provider');
    await platform.database.db.transaction().execute((trx) =>
      recordPayment(trx, {
        psp: 'simulate',
        eventId: `evt_${session.id}`,
        eventType: 'simulated.payment_failed',
        reference: session.ipay_reference_18,
        pspPaymentId: `sim_${session.id}`,
        outcome: 'failed',
        amountMinor: session.amount_minor,
        currency: session.currency,
        failureReason: 'card declined',
      }),
    );
    expect(await page('')).toContain('The payment did not go through');
    const view = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(view.body.last_payment_failed).toBe(true);
  });

  it('sends the code again to the same addresses, three times an hour per session', async () => {
    const { token } = await createTestPaymentSession(platform);
    const early = await postForm(platform, `/pay/${token}/resend`, {});
    expect(early.status).toBe(303);
    expect(early.headers.get('location')).toBe(`/pay/${token}`);
    await payOnPayPage(platform, token);
    const before = await platform.database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('to', '=', 'anna@example.nl')
      .execute();
    for (let i = 0; i < 3; i++) {
      const sent = await postForm(platform, `/pay/${token}/resend`, {}, { origin: platform.baseUrl });
      expect(sent.status).toBe(303);
      expect(sent.headers.get('location')).toBe(`/pay/${token}?sent=1`);
    }
    const limited = await postForm(platform, `/pay/${token}/resend`, {});
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('Too many attempts');
    const after = await platform.database.db
      .selectFrom('email_outbox')
      .select('id')
      .where('to', '=', 'anna@example.nl')
      .execute();
    expect(after.length - before.length).toBe(3);
  });

  it('says a refunded payment was refunded', async () => {
    const { token, session } = await createTestPaymentSession(platform);
    await platform.database.db
      .updateTable('payment_sessions')
      .set({ status: 'REFUNDED' })
      .where('id', '=', session.id)
      .execute();
    const page = await fetch(`${platform.baseUrl}/pay/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Payment refunded');
    expect(html).not.toContain('name="psp"');
  });

  it('shows a cancelled order as gone (410), and answers the JSON view with 404 as before', async () => {
    const merchant = await createTestMerchant(platform);
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    const token = new URL(session.body.pay_url as string).pathname.split('/').pop() ?? '';
    await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/cancel`, {
      token: merchant.token,
      body: { reason: 'customer asked' },
    });
    const page = await fetch(`${platform.baseUrl}/pay/${token}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain('This order was cancelled');
    expect((await http(platform.baseUrl, 'GET', `/api/session/${token}`)).status).toBe(404);
  });
});

describe('the pay page with Stripe', () => {
  let platform: TestPlatform;
  let stripe: FakeServer;
  beforeAll(async () => {
    stripe = await startFakeStripe();
    platform = await createTestPlatform({
      env: {
        STRIPE_SECRET_KEY: 'sk_test_local',
        STRIPE_WEBHOOK_SECRET: 'whsec_test_local',
        STRIPE_API_URL: stripe.url,
        PAYMENT_SIMULATION: 'off',
      },
    });
  });
  afterAll(async () => {
    await platform.close();
    await stripe.close();
  });

  it("redirects the Pay button to Stripe Checkout, whose origin the page's form-action names", async () => {
    const { token } = await createTestPaymentSession(platform);
    const page = await fetch(`${platform.baseUrl}/pay/${token}`);
    expect(page.headers.get('content-security-policy')).toBe(pageCsp(['https://checkout.stripe.com']));
    const html = await page.text();
    expect(html).toContain('name="psp" value="stripe"');
    expect(html).not.toContain('value="simulate"');
    const started = await payOnPayPage(platform, token, 'stripe');
    expect(started.status).toBe(303);
    expect(started.location).toMatch(/^https:\/\/checkout\.stripe\.com\//);
    expect(started.cookie).toMatch(/^ipay_payer=/);
    const checkout = stripe.requests.find((r) => r.path === '/v1/checkout/sessions');
    const form = new URLSearchParams(checkout?.body);
    expect(form.get('success_url')).toBe(`${platform.config.publicUrl}/pay/${token}?payment=success`);
    expect(form.get('cancel_url')).toBe(`${platform.config.publicUrl}/pay/${token}?payment=cancelled`);
  });
  it('shows the code only to the browser of the last Pay before payment, not to one that pressed Pay earlier', async () => {
    const { token, session } = await createTestPaymentSession(platform);
    const earlier = await payOnPayPage(platform, token, 'stripe');
    const payer = await payOnPayPage(platform, token, 'stripe');
    expect(earlier.cookie).not.toBe(payer.cookie);
    await platform.database.db.transaction().execute((trx) =>
      recordPayment(trx, {
        psp: 'stripe',
        eventId: `evt_${session.id}`,
        eventType: 'checkout.session.completed',
        reference: session.ipay_reference_18,
        pspPaymentId: `pi_${session.id}`,
        outcome: 'succeeded',
        amountMinor: session.amount_minor,
        currency: session.currency,
        paymentMethod: 'card',
      }),
    );
    const codeFor = async (cookie: string) =>
      (await http(platform.baseUrl, 'GET', `/api/session/${token}`, { headers: { cookie } })).body.otp_4;
    expect(await codeFor(payer.cookie)).toMatch(/^\d{4}$/);
    expect(await codeFor(earlier.cookie)).toBeNull();
    // Once paid, pressing Pay again starts nothing and takes no one's place.
    const late = await payOnPayPage(platform, token, 'stripe');
    expect(late.cookie).toBe('');
    expect(await codeFor(payer.cookie)).toMatch(/^\d{4}$/);
  });
});
