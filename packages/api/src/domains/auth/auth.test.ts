import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  TEST_PASSWORD,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';

describe('auth over REST', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { LOGIN_RATE_LIMIT: '3', LOGIN_RATE_WINDOW_SECONDS: '600' } });
  });
  afterAll(() => platform.close());

  const registration = () => ({
    organizationName: 'Fietsen de Vries BV',
    name: 'Jan de Vries',
    email: uniqueEmail('jan'),
    password: TEST_PASSWORD,
  });

  it('registers a merchant organization with its first admin and signs them in', async () => {
    const body = registration();
    const res = await http(platform.baseUrl, 'POST', '/api/auth/register', { body });
    expect(res.status).toBe(200);
    expect(res.body.tokenType).toBe('Bearer');
    expect(res.body.user).toMatchObject({
      email: body.email,
      name: 'Jan de Vries',
      organization: { name: 'Fietsen de Vries BV', type: 'merchant' },
      roles: [{ key: 'merchant_admin' }],
    });
    const event = await platform.database.db
      .selectFrom('domain_events')
      .selectAll()
      .where('resource_id', '=', res.body.user.organization.id)
      .executeTakeFirstOrThrow();
    expect(event.type).toBe('organization.registered');
  });

  it('issues a 7-day HS256 token with a key id, for the staff audience', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/auth/register', { body: registration() });
    const decoded = jwt.decode(res.body.token, { complete: true });
    expect(decoded?.header).toMatchObject({ alg: 'HS256', kid: 'test-key' });
    const payload = decoded?.payload as jwt.JwtPayload;
    expect(payload.aud).toBe('ipay:staff');
    expect(payload.exp! - payload.iat!).toBe(7 * 24 * 3600);
    expect(new Date(res.body.expiresAt).getTime()).toBe(payload.exp! * 1000);
  });

  it('logs in with the registered password and reads /me with the token', async () => {
    const body = registration();
    await http(platform.baseUrl, 'POST', '/api/auth/register', { body });
    const login = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      body: { email: body.email.toUpperCase(), password: body.password },
    });
    expect(login.status).toBe(200);
    const me = await http(platform.baseUrl, 'GET', '/api/auth/me', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(body.email);
    expect(me.body.lastLoginAt).not.toBeNull();
  });

  it('answers a wrong password and an unknown e-mail with the same 401', async () => {
    const merchant = await createTestMerchant(platform);
    const caller = platform.caller({ ip: '203.0.113.7' });
    const wrong = await caller.auth
      .login({ email: merchant.user.email, password: 'not the password' })
      .catch((e: unknown) => e);
    const unknown = await caller.auth
      .login({ email: uniqueEmail('ghost'), password: 'whatever it is' })
      .catch((e: unknown) => e);
    for (const error of [wrong, unknown]) {
      expect(error).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'The e-mail address or password is incorrect.',
      });
    }
  });

  it('rate-limits login attempts per client address with 429 and Retry-After', async () => {
    const caller = platform.caller({ ip: '192.0.2.44' });
    for (let i = 0; i < 3; i++) {
      await caller.auth.login({ email: uniqueEmail(), password: 'wrong password' }).catch(() => undefined);
    }
    const limited = await caller.auth
      .login({ email: uniqueEmail(), password: 'wrong password' })
      .catch((e: unknown) => e);
    expect(limited).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      cause: { retryAfterSeconds: expect.any(Number) },
    });
    const elsewhere = await platform
      .caller({ ip: '192.0.2.45' })
      .auth.login({ email: uniqueEmail(), password: 'x' })
      .catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('rejects a duplicate e-mail with 409 naming the field, and creates no second organization', async () => {
    const body = registration();
    await http(platform.baseUrl, 'POST', '/api/auth/register', { body });
    const before = await platform.database.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const again = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { ...body, organizationName: 'Other BV' },
    });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([
      { field: 'email', message: 'is already registered', code: 'already_exists' },
    ]);
    const after = await platform.database.db
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('enforces the password policy at its boundaries', async () => {
    const tooShort = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { ...registration(), password: 'abcdefgh9' },
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.errors).toEqual([expect.objectContaining({ field: 'password', code: 'too_small' })]);
    const exactlyTen = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { ...registration(), password: 'abcdefgh90' },
    });
    expect(exactlyTen.status).toBe(200);
    const repeated = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { ...registration(), password: 'aaaaaaaaaaaa' },
    });
    expect(repeated.body.errors).toEqual([expect.objectContaining({ field: 'password' })]);
    const email = uniqueEmail();
    const sameAsEmail = await http(platform.baseUrl, 'POST', '/api/auth/register', {
      body: { ...registration(), email, password: email },
    });
    expect(sameAsEmail.body.errors).toEqual([
      { field: 'password', message: 'must not be your e-mail address', code: 'custom' },
    ]);
  });

  it('rejects tokens that are expired, forged, or signed with an unknown key', async () => {
    const merchant = await createTestMerchant(platform);
    const secret = platform.config.jwtKeys[0]!.secret;
    const claims = { org: merchant.user.organization.id };
    const base = {
      algorithm: 'HS256' as const,
      audience: 'ipay:staff',
      issuer: 'ipay',
      subject: merchant.user.id,
    };
    const expired = jwt.sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 10 }, secret, {
      ...base,
      keyid: 'test-key',
      expiresIn: 1,
    });
    const forged = jwt.sign(claims, 'x'.repeat(40), { ...base, keyid: 'test-key' });
    const unknownKid = jwt.sign(claims, secret, { ...base, keyid: 'other' });
    const noneAlg = jwt.sign(claims, '', { ...base, algorithm: 'none', keyid: 'test-key' });
    const consumerAudience = jwt.sign(claims, secret, {
      ...base,
      audience: 'ipay:consumer',
      keyid: 'test-key',
    });
    for (const [token, detail] of [
      [expired, 'The access token has expired; sign in again.'],
      [forged, 'The access token is invalid.'],
      [unknownKid, 'The access token is malformed or signed with an unknown key.'],
      [noneAlg, 'The access token is invalid.'],
      // Verified as the consumer token it claims to be (no exp, no session), and refused all the same.
      [consumerAudience, 'The access token has no valid exp claim.'],
    ] as const) {
      const res = await http(platform.baseUrl, 'GET', '/api/auth/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe(detail);
    }
  });

  it('refuses correctly signed tokens without exp or iat, issued in the future, or for another audience', async () => {
    const merchant = await createTestMerchant(platform);
    const secret = platform.config.jwtKeys[0]!.secret;
    const now = Math.floor(Date.now() / 1000);
    const sign = (payload: object, options: jwt.SignOptions = {}) =>
      jwt.sign({ org: merchant.user.organization.id, ...payload }, secret, {
        algorithm: 'HS256',
        keyid: 'test-key',
        audience: 'ipay:staff',
        issuer: 'ipay',
        subject: merchant.user.id,
        ...options,
      });
    const valid = sign({}, { expiresIn: 60 });
    expect((await http(platform.baseUrl, 'GET', '/api/auth/me', { token: valid })).status).toBe(200);
    for (const [token, detail] of [
      [sign({ iat: now }), 'The access token has no valid exp claim.'],
      [sign({ exp: now + 60 }, { noTimestamp: true }), 'The access token has no valid iat claim.'],
      [sign({ iat: now + 3600 }, { expiresIn: 60 }), 'The access token has no valid iat claim.'],
      [sign({}, { expiresIn: 8 * 24 * 3600 }), 'The access token has no valid exp claim.'],
      [
        sign({}, { expiresIn: 60, audience: ['ipay:staff', 'ipay:consumer'] }),
        'The access token has no valid aud claim.',
      ],
      [
        sign({}, { expiresIn: 60, audience: 'ipay:consumer' }),
        'The access token does not carry a consumer session.',
      ],
    ] as const) {
      const res = await http(platform.baseUrl, 'GET', '/api/auth/me', { token });
      expect([res.status, res.body.detail]).toEqual([401, detail]);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('accepts tokens signed by an older key that is still configured (key rotation)', async () => {
    const oldKey = { kid: 'old', secret: 'o'.repeat(40) };
    const rotated = await createTestPlatform({
      env: { JWT_KEYS: `new:${'n'.repeat(40)},old:${oldKey.secret}` },
    });
    try {
      const merchant = await createTestMerchant(rotated);
      const token = jwt.sign({ org: merchant.user.organization.id }, oldKey.secret, {
        algorithm: 'HS256',
        keyid: 'old',
        audience: 'ipay:staff',
        issuer: 'ipay',
        subject: merchant.user.id,
        expiresIn: 60,
      });
      expect((await http(rotated.baseUrl, 'GET', '/api/auth/me', { token })).status).toBe(200);
      expect(jwt.decode(merchant.token, { complete: true })?.header.kid).toBe('new');
    } finally {
      await rotated.close();
    }
  });

  it('refuses a disabled user even with a valid token', async () => {
    const merchant = await createTestMerchant(platform);
    await platform.database.db
      .updateTable('users')
      .set({ status: 'disabled' })
      .where('id', '=', merchant.user.id)
      .execute();
    const me = await http(platform.baseUrl, 'GET', '/api/auth/me', { token: merchant.token });
    expect(me.status).toBe(401);
    const login = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      body: { email: merchant.user.email, password: TEST_PASSWORD },
    });
    expect(login.status).toBe(401);
  });

  it('stores passwords only as scrypt hashes', async () => {
    const merchant = await createTestMerchant(platform);
    const row = await platform.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', merchant.user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.password_hash).not.toContain(TEST_PASSWORD);
  });
});
