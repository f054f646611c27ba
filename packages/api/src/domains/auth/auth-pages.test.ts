import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  inviteTestMember,
  mailTestPasswordReset,
  TEST_PASSWORD,
  type TestPlatform,
} from '../../testing';
import { pageCsp } from '../../pages/http';
import { INVITATION_ACCEPT_LIMIT } from './members/invitations';
import { PASSWORD_RESET_CONFIRM_LIMIT } from './credentials';
import type { AuthSession } from './schemas';

const NEW_PASSWORD = 'a brand new passphrase';
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' };

describe('the invitation and password-reset pages over HTTP', () => {
  let platform: TestPlatform;
  let admin: AuthSession;

  beforeAll(async () => {
    platform = await createTestPlatform({ env: { LOGIN_RATE_LIMIT: '1000' } });
    admin = await createTestMerchant(platform, 'Fietsen <b>&</b> Zo');
  });
  afterAll(() => platform.close());
  // Every request comes from 127.0.0.1: each test starts with the per-address budgets full.
  beforeEach(async () => {
    await platform.database.db.deleteFrom('rate_limit_buckets').execute();
  });

  const page = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${platform.baseUrl}${path}`, { headers, redirect: 'manual' });
  const postForm = (
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = SAME_ORIGIN,
  ) =>
    fetch(`${platform.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
  const acceptForm = (overrides: Record<string, string> = {}) => ({
    name: 'Nina Nieuw',
    password: TEST_PASSWORD,
    passwordConfirm: TEST_PASSWORD,
    ...overrides,
  });
  const userOf = (email: string) =>
    platform.database.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('email', '=', email)
      .executeTakeFirst();
  const login = (email: string, password: string) =>
    http(platform.baseUrl, 'POST', '/api/auth/login', { body: { email, password } });

  function expectPageHeaders(response: Response): void {
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(pageCsp());
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  }

  describe('an invitation', () => {
    it('shows the organisation, the address, the expiry and the form, escaped, in the reader’s language', async () => {
      const { email, token } = await inviteTestMember(platform, admin);
      const response = await page(`/invitations/${token}`);
      expect(response.status).toBe(200);
      expectPageHeaders(response);
      const html = await response.text();
      expect(html).toContain('<h1>Join Fietsen &lt;b&gt;&amp;&lt;/b&gt; Zo ');
      expect(html).not.toContain('<b>');
      expect(html).toContain(email);
      expect(html).toMatch(/Valid until<\/dt><dd>\d{1,2} \w+ 20\d\d/);
      expect(html).toContain(`<form method="post" action="/invitations/${token}" novalidate>`);
      expect(html).toContain('<label for="field-name">Your full name</label>');
      expect(html).toMatch(/id="field-name" name="name" type="text" autocomplete="name"/);
      expect(html).toMatch(
        /id="field-password" name="password" type="password" autocomplete="new-password" value="" required minlength="10" aria-describedby="field-password-hint"/,
      );
      expect(html).toMatch(
        /id="field-passwordConfirm" name="passwordConfirm" type="password" autocomplete="new-password"/,
      );
      expect(html).toContain(
        'At least 10 characters, not one or a few characters repeated, and not your e-mail address.',
      );
      expect(html).not.toContain('<script');
      expect(html).not.toMatch(/style="/);

      const dutch = await (
        await page(`/invitations/${token}`, { 'accept-language': 'nl-NL,nl;q=0.9' })
      ).text();
      expect(dutch).toContain('<html lang="nl">');
      expect(dutch).toContain('Mijn account aanmaken');
      const switched = await page(`/invitations/${token}?lang=nl`);
      expect(await switched.text()).toContain('Word lid van');
      expect(switched.headers.getSetCookie().some((c) => c.startsWith('ipay_lang=nl'))).toBe(true);
    });

    it('creates the account from the form, says it is ready, and then calls the link already accepted', async () => {
      const { email, token } = await inviteTestMember(platform, admin);
      const accepted = await postForm(`/invitations/${token}`, acceptForm());
      expect(accepted.status).toBe(303);
      expect(accepted.headers.get('location')).toBe(`/invitations/${token}?done=1`);
      expect(accepted.headers.get('cache-control')).toBe('no-store');
      // No web session: the page sets no cookie but the language.
      expect(accepted.headers.getSetCookie()).toEqual([]);

      const ready = await page(`/invitations/${token}?done=1`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toContain('Your account is ready');
      expect(await userOf(email)).toMatchObject({ name: 'Nina Nieuw' });
      const session = await login(email, TEST_PASSWORD);
      expect(session.status).toBe(200);
      expect(session.body.user.roles).toMatchObject([{ key: 'merchant_user' }]);

      const again = await page(`/invitations/${token}`);
      expect(again.status).toBe(410);
      expectPageHeaders(again);
      expect(await again.text()).toContain('This invitation was already accepted');
      const twice = await postForm(`/invitations/${token}`, acceptForm());
      expect(twice.status).toBe(410);
      expect(await twice.text()).toContain('This invitation was already accepted');
    });

    it('shows field errors beside the fields and in a summary, keeps the name and never the password', async () => {
      const { email, token } = await inviteTestMember(platform, admin);
      const cases: Array<[Record<string, string>, Record<string, string>]> = [
        [{ name: '  ' }, { name: 'Enter your name' }],
        [
          { password: 'short', passwordConfirm: 'short' },
          { password: 'The password must be at least 10 characters' },
        ],
        [
          { password: 'abababababab', passwordConfirm: 'abababababab' },
          { password: 'The password must not be one or a few characters repeated' },
        ],
        [
          { passwordConfirm: 'something else entirely' },
          { passwordConfirm: 'The two passwords are not the same' },
        ],
        [{ passwordConfirm: '' }, { passwordConfirm: 'Type the password a second time' }],
        // The service's own rule, not the schema's: the password may not be the invited address.
        [
          { password: email.toUpperCase(), passwordConfirm: email.toUpperCase() },
          { password: 'The password must not be your e-mail address' },
        ],
        [
          { name: '', password: 'short', passwordConfirm: 'other' },
          {
            name: 'Enter your name',
            password: 'The password must be at least 10 characters',
            passwordConfirm: 'The two passwords are not the same',
          },
        ],
      ];
      for (const [overrides, expected] of cases) {
        const form = acceptForm({ name: 'Kim <i>Packer</i>', ...overrides });
        const response = await postForm(`/invitations/${token}`, form);
        const html = await response.text();
        const label = JSON.stringify(overrides);
        expect(response.status, label).toBe(400);
        expectPageHeaders(response);
        expect(html, label).toContain('<div class="error-summary" role="alert"');
        for (const [field, message] of Object.entries(expected)) {
          expect(html, label).toContain(`<li><a href="#field-${field}">${message}</a></li>`);
          expect(html, label).toContain(`<p class="field-error" id="field-${field}-error">${message}</p>`);
          expect(html, label).toMatch(
            new RegExp(
              `id="field-${field}"[^>]*aria-describedby="[^"]*field-${field}-error"[^>]*aria-invalid="true"`,
            ),
          );
        }
        const shown = (html.match(/<li><a href="#field-/g) ?? []).length;
        expect(shown, label).toBe(Object.keys(expected).length);
        if (form.name.trim()) expect(html, label).toContain('value="Kim &lt;i&gt;Packer&lt;/i&gt;"');
        for (const secret of [form.password, form.passwordConfirm].filter((p) => p.length > 0)) {
          expect(html, label).not.toContain(`value="${secret}"`);
        }
        expect(html, label).toMatch(/name="password" type="password" autocomplete="new-password" value=""/);
      }
      expect(await userOf(email)).toBeUndefined();
      // Still usable after all those refusals.
      expect((await postForm(`/invitations/${token}`, acceptForm())).status).toBe(303);
    });

    it('gives expired, revoked and unknown links their own pages, with the JSON API’s statuses', async () => {
      const expired = await inviteTestMember(platform, admin);
      await platform.database.db
        .updateTable('user_invitations')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('email', '=', expired.email)
        .execute();
      const revoked = await inviteTestMember(platform, admin);
      await platform
        .caller({ token: admin.token })
        .auth.members.revokeInvitation({ id: revoked.invitationId });
      const unknown = 'x'.repeat(43);
      const cases: Array<[string, number, string]> = [
        [expired.token, 410, 'This invitation has expired'],
        [revoked.token, 410, 'This invitation is no longer valid'],
        [unknown, 404, 'We do not know this invitation link'],
        ['not-a-token', 404, 'We do not know this invitation link'],
      ];
      for (const [token, status, title] of cases) {
        const shown = await page(`/invitations/${token}`);
        expect(shown.status, title).toBe(status);
        expectPageHeaders(shown);
        expect(await shown.text(), title).toContain(title);
        const posted = await postForm(`/invitations/${token}`, acceptForm());
        expect(posted.status, title).toBe(status);
        expect(await posted.text(), title).toContain(title);
      }
      expect(await page(`/invitations/${expired.token}`).then((r) => r.text())).toContain(
        'Ask your administrator for a new invitation.',
      );
      for (const [token, status] of [
        [expired.token, 410],
        [revoked.token, 410],
        [unknown, 404],
      ] as const) {
        expect((await http(platform.baseUrl, 'GET', `/api/invitations/${token}`)).status).toBe(status);
      }
      expect(await userOf(expired.email)).toBeUndefined();
    });

    it('refuses a form posted from another site with a 403 page, and creates nothing', async () => {
      const { email, token } = await inviteTestMember(platform, admin);
      const crossSite: Array<Record<string, string>> = [
        { 'sec-fetch-site': 'cross-site' },
        { origin: 'https://evil.example' },
      ];
      for (const headers of crossSite) {
        const refused = await postForm(`/invitations/${token}`, acceptForm(), headers);
        expect(refused.status, JSON.stringify(headers)).toBe(403);
        expectPageHeaders(refused);
        expect(await refused.text()).toContain('Please use the button on the page');
      }
      expect(await userOf(email)).toBeUndefined();
      expect((await page(`/invitations/${token}`)).status).toBe(200);
    });

    it('shares the JSON accept’s budget per client address, then answers a 429 page', async () => {
      const { token } = await inviteTestMember(platform, admin);
      const json = await http(platform.baseUrl, 'POST', `/api/invitations/${'y'.repeat(43)}/accept`, {
        body: { name: 'Nobody', password: TEST_PASSWORD },
      });
      expect(json.status).toBe(404);
      for (let i = 1; i < INVITATION_ACCEPT_LIMIT.perIp; i++) {
        expect((await postForm(`/invitations/${token}`, acceptForm({ name: '' }))).status).toBe(400);
      }
      const limited = await postForm(`/invitations/${token}`, acceptForm());
      expect(limited.status).toBe(429);
      expectPageHeaders(limited);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toContain('Too many attempts');
    });
  });

  describe('a password-reset link', () => {
    it('shows the form for the new password with the page headers', async () => {
      const merchant = await createTestMerchant(platform);
      const token = await mailTestPasswordReset(platform, merchant.user.email);
      const response = await page(`/password-reset/${token}`);
      expect(response.status).toBe(200);
      expectPageHeaders(response);
      const html = await response.text();
      expect(html).toContain('Choose a new password');
      expect(html).toContain(merchant.user.email);
      expect(html).toContain(`action="/password-reset/${token}"`);
      expect(html).toMatch(/name="password" type="password" autocomplete="new-password"/);
      expect(html).toMatch(/name="passwordConfirm" type="password" autocomplete="new-password"/);
      expect(html).not.toContain('name="name"');
      expect(await (await page(`/password-reset/${token}?lang=nl`)).text()).toContain(
        'Kies een nieuw wachtwoord',
      );
    });

    it('changes the password, signs every earlier session out, and then calls the link used', async () => {
      const merchant = await createTestMerchant(platform);
      const token = await mailTestPasswordReset(platform, merchant.user.email);
      const changed = await postForm(`/password-reset/${token}`, {
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      });
      expect(changed.status).toBe(303);
      expect(changed.headers.get('location')).toBe(`/password-reset/${token}?done=1`);
      expect(changed.headers.get('referrer-policy')).toBe('no-referrer');
      const done = await page(`/password-reset/${token}?done=1`);
      expect(done.status).toBe(200);
      const text = await done.text();
      expect(text).toContain('Your password is changed');
      expect(text).toContain('Every earlier sign-in is signed out.');

      expect((await http(platform.baseUrl, 'GET', '/api/auth/me', { token: merchant.token })).status).toBe(
        401,
      );
      expect((await login(merchant.user.email, TEST_PASSWORD)).status).toBe(401);
      expect((await login(merchant.user.email, NEW_PASSWORD)).status).toBe(200);

      const used = await page(`/password-reset/${token}`);
      expect(used.status).toBe(410);
      expect(await used.text()).toContain('This link was already used');
      const again = await postForm(`/password-reset/${token}`, {
        password: NEW_PASSWORD,
        passwordConfirm: NEW_PASSWORD,
      });
      expect(again.status).toBe(410);
    });

    it('shows field errors and keeps the link usable', async () => {
      const merchant = await createTestMerchant(platform);
      const token = await mailTestPasswordReset(platform, merchant.user.email);
      const cases: Array<[Record<string, string>, string, string]> = [
        [
          { password: 'short', passwordConfirm: 'short' },
          'password',
          'The password must be at least 10 characters',
        ],
        [
          { password: NEW_PASSWORD, passwordConfirm: 'not the same at all' },
          'passwordConfirm',
          'The two passwords are not the same',
        ],
        [
          { password: merchant.user.email, passwordConfirm: merchant.user.email },
          'password',
          'The password must not be your e-mail address',
        ],
      ];
      for (const [form, field, message] of cases) {
        const response = await postForm(`/password-reset/${token}`, form);
        const html = await response.text();
        expect(response.status, message).toBe(400);
        expect(html, message).toContain(`<li><a href="#field-${field}">${message}</a></li>`);
        expect(html, message).toMatch(new RegExp(`id="field-${field}"[^>]*aria-invalid="true"`));
        expect(html, message).toMatch(/name="password" type="password" autocomplete="new-password" value=""/);
        expect(html, message).toMatch(
          /name="passwordConfirm" type="password" autocomplete="new-password" value=""/,
        );
      }
      expect((await login(merchant.user.email, TEST_PASSWORD)).status).toBe(200);
      expect((await page(`/password-reset/${token}`)).status).toBe(200);
    });

    it('gives expired, used and unknown links their own pages, with the JSON confirm’s statuses', async () => {
      const merchant = await createTestMerchant(platform);
      const expired = await mailTestPasswordReset(platform, merchant.user.email);
      await platform.database.db
        .updateTable('password_reset_tokens')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('user_id', '=', merchant.user.id)
        .execute();
      const other = await createTestMerchant(platform);
      const used = await mailTestPasswordReset(platform, other.user.email);
      expect(
        (await postForm(`/password-reset/${used}`, { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD }))
          .status,
      ).toBe(303);
      const cases: Array<[string, number, string]> = [
        [expired, 410, 'This link has expired'],
        [used, 410, 'This link was already used'],
        ['z'.repeat(43), 400, 'This password-reset link does not work'],
        ['not-a-token', 400, 'This password-reset link does not work'],
      ];
      for (const [token, status, title] of cases) {
        const shown = await page(`/password-reset/${token}`);
        expect(shown.status, title).toBe(status);
        expectPageHeaders(shown);
        expect(await shown.text(), title).toContain(title);
        const posted = await postForm(`/password-reset/${token}`, {
          password: NEW_PASSWORD,
          passwordConfirm: NEW_PASSWORD,
        });
        expect(posted.status, title).toBe(status);
        const json = await http(platform.baseUrl, 'POST', '/api/auth/password-reset/confirm', {
          body: { token, newPassword: NEW_PASSWORD },
        });
        expect(json.status, title).toBe(status);
      }
    });

    it('calls the link of a disabled account unknown, like the JSON confirm', async () => {
      const merchant = await createTestMerchant(platform);
      const token = await mailTestPasswordReset(platform, merchant.user.email);
      await platform.database.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', merchant.user.id)
        .execute();
      const shown = await page(`/password-reset/${token}`);
      expect(shown.status).toBe(400);
      expect(await shown.text()).toContain('This password-reset link does not work');
    });

    it('refuses a cross-site form with a 403 page, and rate-limits with the JSON confirm’s budget', async () => {
      const merchant = await createTestMerchant(platform);
      const token = await mailTestPasswordReset(platform, merchant.user.email);
      const form = { password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD };
      const refused = await postForm(`/password-reset/${token}`, form, { 'sec-fetch-site': 'cross-site' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('Please use the button on the page');
      expect((await login(merchant.user.email, TEST_PASSWORD)).status).toBe(200);

      const json = await http(platform.baseUrl, 'POST', '/api/auth/password-reset/confirm', {
        body: { token: 'w'.repeat(43), newPassword: NEW_PASSWORD },
      });
      expect(json.status).toBe(400);
      for (let i = 1; i < PASSWORD_RESET_CONFIRM_LIMIT.perIp; i++) {
        expect((await postForm(`/password-reset/${token}`, { ...form, passwordConfirm: '' })).status).toBe(
          400,
        );
      }
      const limited = await postForm(`/password-reset/${token}`, form);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toContain('Too many attempts');
      expect((await login(merchant.user.email, TEST_PASSWORD)).status).toBe(200);
    });
  });
});
