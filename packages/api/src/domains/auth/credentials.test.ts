import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  problemOf,
  createTestMerchant,
  createTestPlatform,
  http,
  TEST_PASSWORD,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from './schemas';
import { PASSWORD_RESET_LIMITS, sendPasswordReset } from './credentials';
import { issuedBeforeCutoff, signAccessToken, signOutCutoff, verifyAccessToken } from './tokens';

const NEW_PASSWORD = 'a brand new passphrase';

describe('sign-out cut-off (iat in whole seconds)', () => {
  it('refuses a token issued in the same second before the sign-out and accepts one issued after it', () => {
    const signOut = new Date('2026-11-29T12:00:00.500Z');
    const cutoff = signOutCutoff(null, signOut);
    expect(cutoff.toISOString()).toBe('2026-11-29T12:00:01.000Z');
    const sameSecond = Date.parse('2026-11-29T12:00:00.200Z') / 1000;
    expect(issuedBeforeCutoff(Math.floor(sameSecond), cutoff)).toBe(true);
    expect(issuedBeforeCutoff(Date.parse('2026-11-29T12:00:01Z') / 1000, cutoff)).toBe(false);
    // A sign-out exactly on a whole second still refuses the tokens of that second.
    expect(signOutCutoff(null, new Date('2026-11-29T12:00:00.000Z')).toISOString()).toBe(
      '2026-11-29T12:00:01.000Z',
    );
  });

  it('moves past an earlier cut-off, so a token issued at that cut-off is refused by the next sign-out', () => {
    const first = signOutCutoff(null, new Date('2026-11-29T12:00:00.100Z'));
    const second = signOutCutoff(first, new Date('2026-11-29T12:00:00.900Z'));
    expect(second.toISOString()).toBe('2026-11-29T12:00:02.000Z');
    expect(issuedBeforeCutoff(first.getTime() / 1000, second)).toBe(true);
  });

  it('signs a token issued within the sign-out second with iat at the cut-off, which verifies', () => {
    const keyring = {
      signingKey: { kid: 'k', secret: 'x'.repeat(32) },
      keysById: new Map([['k', { kid: 'k', secret: 'x'.repeat(32) }]]),
    };
    const cutoff = signOutCutoff(null);
    const { token, expiresAt } = signAccessToken(keyring, {
      userId: 'u',
      organizationId: 'o',
      tokensValidAfter: cutoff,
    });
    const verified = verifyAccessToken(keyring, token);
    expect(verified.issuedAt * 1000).toBe(cutoff.getTime());
    expect(issuedBeforeCutoff(verified.issuedAt, cutoff)).toBe(false);
    expect(expiresAt.getTime()).toBe(cutoff.getTime() + 7 * 24 * 3600 * 1000);
  });
});

describe('passwords and sign-out everywhere', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({
      env: { LOGIN_RATE_LIMIT: '1000', PUBLIC_URL: 'https://app.ipay.test' },
    });
  });
  afterAll(() => platform.close());

  const caller = (token?: string, ip?: string) => platform.caller({ token, ip });
  const login = (email: string, password = TEST_PASSWORD) => caller().auth.login({ email, password });
  const mails = (to: string) =>
    platform.database.db
      .selectFrom('email_outbox')
      .select(['subject', 'text', 'html'])
      .where('to', '=', to)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  /** Runs the reset jobs waiting for this address, as the worker would. */
  async function runResetJobs(email: string): Promise<void> {
    const { rows } = await sql<{ id: string }>`
      select j.id::text as id from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'auth.send-password-reset' and j.payload->>'email' = ${email}`.execute(
      platform.database.db,
    );
    for (const row of rows) {
      await platform.database.db
        .transaction()
        .execute((trx) => sendPasswordReset(trx, { email, publicUrl: platform.config.publicUrl }));
      await sql`select graphile_worker.complete_jobs(array[${row.id}::bigint])`.execute(platform.database.db);
    }
  }
  async function resetToken(email: string): Promise<string> {
    const all = await mails(email);
    const token = /https:\/\/app\.ipay\.test\/password-reset\/([A-Za-z0-9_-]{43})/.exec(
      all.at(-1)?.text ?? '',
    )?.[1];
    if (!token) throw new Error('no reset link mailed');
    return token;
  }

  it('changes the password with the current one, refuses the old tokens and returns a fresh session', async () => {
    const merchant = await createTestMerchant(platform);
    const other = await login(merchant.user.email);
    expect(
      await problemOf(
        caller(merchant.token).auth.changePassword({
          currentPassword: 'not my password',
          newPassword: NEW_PASSWORD,
        }),
      ),
    ).toEqual({ status: 400, code: 'wrong_password', fields: ['currentPassword'] });

    const fresh = await caller(merchant.token).auth.changePassword({
      currentPassword: TEST_PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect((await caller(fresh.token).auth.me()).id).toBe(merchant.user.id);
    for (const old of [merchant.token, other.token]) {
      expect(await problemOf(caller(old).auth.me())).toMatchObject({ status: 401 });
    }
    expect(await problemOf(login(merchant.user.email))).toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
    expect((await login(merchant.user.email, NEW_PASSWORD)).user.id).toBe(merchant.user.id);

    const notice = (await mails(merchant.user.email)).at(-1);
    expect(notice?.subject).toBe('Your IPAY password was changed');
    expect(notice?.html).toContain('<p>Hello Merchant Admin,</p>');
    const event = await platform.database.db
      .selectFrom('domain_events')
      .select(['payload', 'actor_user_id'])
      .where('resource_id', '=', merchant.user.id)
      .where('type', '=', 'user.password_changed')
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ payload: { via: 'change' }, actor_user_id: merchant.user.id });
  });

  it('refuses the e-mail address as the new password', async () => {
    const merchant = await createTestMerchant(platform);
    expect(
      await problemOf(
        caller(merchant.token).auth.changePassword({
          currentPassword: TEST_PASSWORD,
          newPassword: merchant.user.email,
        }),
      ),
    ).toMatchObject({ status: 400, fields: ['newPassword'] });
  });

  it('signs out everywhere: tokens from the same second are refused and a new sign-in works at once', async () => {
    const merchant = await createTestMerchant(platform);
    const second = await login(merchant.user.email);
    const done = await caller(second.token).auth.signOutEverywhere();
    const cutoff = Date.parse(done.tokensValidAfter);
    expect(cutoff % 1000).toBe(0);
    expect(cutoff).toBeGreaterThan(Date.now() - 1000);
    for (const old of [merchant.token, second.token]) {
      expect(await problemOf(caller(old).auth.me())).toMatchObject({ status: 401 });
    }
    const again = await login(merchant.user.email);
    expect((await caller(again.token).auth.me()).id).toBe(merchant.user.id);
    // A second sign-out right away also refuses the token just issued.
    await caller(again.token).auth.signOutEverywhere();
    expect(await problemOf(caller(again.token).auth.me())).toMatchObject({ status: 401 });
    const third = await login(merchant.user.email);
    expect((await caller(third.token).auth.me()).id).toBe(merchant.user.id);
  });

  it('answers a reset request the same for a known and an unknown address, and mails only the known one', async () => {
    const merchant = await createTestMerchant(platform);
    const ghost = uniqueEmail('ghost');
    const known = await caller(undefined, '198.51.100.1').auth.requestPasswordReset({
      email: merchant.user.email,
    });
    const unknown = await caller(undefined, '198.51.100.1').auth.requestPasswordReset({ email: ghost });
    expect(unknown).toEqual(known);
    const { rows } = await sql<{ email: string }>`
      select j.payload->>'email' as email from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'auth.send-password-reset' and j.payload->>'email' in (${merchant.user.email}, ${ghost})`.execute(
      platform.database.db,
    );
    expect(rows.map((r) => r.email).sort()).toEqual([merchant.user.email, ghost].sort());
    await runResetJobs(merchant.user.email);
    await runResetJobs(ghost);
    expect(await mails(ghost)).toEqual([]);
    const [mail] = await mails(merchant.user.email);
    expect(mail?.subject).toBe('Reset your IPAY password');
    expect(mail?.html).toContain('https://app.ipay.test/password-reset/');
  });

  it('sets a new password with the link once, refuses reuse, and signs the account out everywhere', async () => {
    const merchant = await createTestMerchant(platform);
    await caller(undefined, '198.51.100.2').auth.requestPasswordReset({ email: merchant.user.email });
    await runResetJobs(merchant.user.email);
    const token = await resetToken(merchant.user.email);
    const stored = await platform.database.db
      .selectFrom('password_reset_tokens')
      .select(['token_hash', 'expires_at', 'created_at'])
      .where('user_id', '=', merchant.user.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toBe(token);
    expect(stored.expires_at.getTime() - stored.created_at.getTime()).toBe(30 * 60 * 1000);

    expect(await caller().auth.confirmPasswordReset({ token, newPassword: NEW_PASSWORD })).toEqual({
      passwordChanged: true,
    });
    expect(await problemOf(caller(merchant.token).auth.me())).toMatchObject({ status: 401 });
    expect((await login(merchant.user.email, NEW_PASSWORD)).user.id).toBe(merchant.user.id);
    expect(
      await problemOf(caller().auth.confirmPasswordReset({ token, newPassword: 'yet another passphrase' })),
    ).toMatchObject({ status: 410, code: 'password_reset_used' });
    expect(
      await problemOf(
        caller().auth.confirmPasswordReset({ token: 'B'.repeat(43), newPassword: NEW_PASSWORD }),
      ),
    ).toEqual({ status: 400, code: 'password_reset_invalid', fields: ['token'] });
  });

  it('refuses a reset link after 30 minutes with 410 password_reset_expired', async () => {
    const merchant = await createTestMerchant(platform);
    await caller(undefined, '198.51.100.3').auth.requestPasswordReset({ email: merchant.user.email });
    await runResetJobs(merchant.user.email);
    const token = await resetToken(merchant.user.email);
    await platform.database.db
      .updateTable('password_reset_tokens')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('user_id', '=', merchant.user.id)
      .execute();
    const http410 = await http(platform.baseUrl, 'POST', '/api/auth/password-reset/confirm', {
      body: { token, newPassword: NEW_PASSWORD },
    });
    expect(http410.status).toBe(410);
    expect(http410.body.code).toBe('password_reset_expired');
    expect((await login(merchant.user.email)).user.id).toBe(merchant.user.id);
  });

  it('rate-limits reset requests per address and per client address', async () => {
    const email = uniqueEmail('often');
    for (let i = 0; i < PASSWORD_RESET_LIMITS.perEmail; i++) {
      await caller(undefined, `203.0.113.${i + 1}`).auth.requestPasswordReset({ email });
    }
    expect(
      await problemOf(caller(undefined, '203.0.113.99').auth.requestPasswordReset({ email })),
    ).toMatchObject({ status: 429 });

    for (let i = 0; i < PASSWORD_RESET_LIMITS.perIp; i++) {
      await caller(undefined, '192.0.2.77').auth.requestPasswordReset({ email: uniqueEmail('ip') });
    }
    expect(
      await problemOf(
        caller(undefined, '192.0.2.77').auth.requestPasswordReset({ email: uniqueEmail('ip') }),
      ),
    ).toMatchObject({ status: 429 });
  });

  it('serves password change, reset and sign-out everywhere over REST', async () => {
    const base = platform.baseUrl;
    const merchant: AuthSession = await createTestMerchant(platform);
    const wrong = await http(base, 'POST', '/api/auth/password', {
      token: merchant.token,
      body: { currentPassword: 'nope nope nope', newPassword: NEW_PASSWORD },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      { field: 'currentPassword', message: 'is not your current password', code: 'wrong_password' },
    ]);
    const changed = await http(base, 'POST', '/api/auth/password', {
      token: merchant.token,
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect((await http(base, 'GET', '/api/auth/me', { token: merchant.token })).status).toBe(401);
    expect((await http(base, 'GET', '/api/auth/me', { token: changed.body.token })).status).toBe(200);

    const requested = await http(base, 'POST', '/api/auth/password-reset/request', {
      body: { email: merchant.user.email },
    });
    const unknown = await http(base, 'POST', '/api/auth/password-reset/request', {
      body: { email: uniqueEmail() },
    });
    expect(requested.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(requested.body);

    const out = await http(base, 'POST', '/api/auth/sign-out-everywhere', { token: changed.body.token });
    expect(out.status).toBe(200);
    expect((await http(base, 'GET', '/api/auth/me', { token: changed.body.token })).status).toBe(401);
  });
});
