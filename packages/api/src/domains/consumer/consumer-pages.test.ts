import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  mailedLinkToken,
  orderBody,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' };

describe('the consumer pages over HTTP: sign-in form, confirm page, parcels, sign-out', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const form = (path: string, body: string, headers: Record<string, string> = SAME_ORIGIN) =>
    fetch(`${platform.baseUrl}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
  const page = (path: string, cookie?: string) =>
    fetch(`${platform.baseUrl}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });

  async function mailedLink(email: string): Promise<string> {
    const sent = await form('/consumer/sign-in', `email=${encodeURIComponent(email)}`);
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/consumer/sign-in?sent=1');
    return mailedLinkToken(platform, email.toLowerCase(), 'consumer/sign-in');
  }

  it('mails a link from the form, confirms it only on POST, and shows the parcels in the cookie session', async () => {
    const email = uniqueEmail('door');
    const shop = await createTestMerchant(platform, 'Boeken BV');
    const base = orderBody();
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: shop.token,
      body: { ...base, customer: { ...base.customer, email } },
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: shop.token,
    });

    const signIn = await page('/consumer/sign-in?lang=nl');
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await signIn.text()).toContain('Stuur me een inloglink');

    const token = await mailedLink(email);
    // Opening the link (as a mail scanner does) shows the question and uses nothing.
    for (let i = 0; i < 2; i++) {
      const confirm = await page(`/consumer/sign-in/${token}`);
      expect(confirm.status).toBe(200);
      expect(confirm.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await confirm.text()).toContain(`action="/consumer/sign-in/${token}"`);
    }
    const crossSite = await form(`/consumer/sign-in/${token}`, '', {
      'sec-fetch-site': 'cross-site',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();

    const confirmed = await form(`/consumer/sign-in/${token}`, '');
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/consumer/parcels');
    const setCookie = confirmed.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(
      /^ipay_consumer=[^;]+; Max-Age=2592000; Path=\/consumer; HttpOnly; SameSite=Lax/,
    );
    const cookie = setCookie.split(';')[0]!;

    const parcels = await page('/consumer/parcels', cookie);
    expect(parcels.status).toBe(200);
    const html = await parcels.text();
    expect(html).toContain('Boeken BV');
    expect(html).toContain('Payment due');
    expect(html).toContain(`href="${session.body.pay_url}"`);
    expect(html).toContain(email);

    const used = await page(`/consumer/sign-in/${token}`);
    expect(used.status).toBe(400);
    expect(await used.text()).toContain('This sign-in link does not work');
    expect((await form(`/consumer/sign-in/${token}`, '')).status).toBe(400);

    // The cookie holds the consumer JWT: the same session as the API's, ended by the page's sign-out.
    const jwt = decodeURIComponent(cookie.split('=')[1]!);
    expect((await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: jwt })).status).toBe(200);
    const signedOut = await form('/consumer/sign-out', '', { ...SAME_ORIGIN, cookie });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe('/consumer/sign-in?signed_out=1');
    expect(signedOut.headers.get('set-cookie')).toMatch(/^ipay_consumer=; Max-Age=0; Path=\/consumer/);
    expect((await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: jwt })).status).toBe(401);
    const after = await page('/consumer/parcels', cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/consumer/sign-in');
  });

  it('refuses a bad address with the form again, cross-site forms, unknown links and a bad cursor, as pages', async () => {
    const bad = await form('/consumer/sign-in', 'email=not-an-address');
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="not-an-address"');

    const crossSite = await form('/consumer/sign-in', `email=${uniqueEmail('x')}`, {
      'sec-fetch-site': 'cross-site',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('content-type')).toContain('text/html');

    for (const path of ['/consumer/sign-in/short', `/consumer/sign-in/${'a'.repeat(43)}`]) {
      const unknown = await page(path);
      expect(unknown.status, path).toBe(400);
      expect(unknown.headers.get('content-type')).toContain('text/html');
    }
    expect((await page('/consumer/parcels')).status).toBe(303);

    const token = await mailedLink(uniqueEmail('cursor'));
    const cookie = (await form(`/consumer/sign-in/${token}`, '')).headers.get('set-cookie')!.split(';')[0]!;
    const badCursor = await page('/consumer/parcels?cursor=nonsense', cookie);
    expect(badCursor.status).toBe(400);
    expect(badCursor.headers.get('content-type')).toContain('text/html');
  });
});
