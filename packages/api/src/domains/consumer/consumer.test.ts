import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeEndedSignIns } from './service';
import {
  createTestMerchant,
  createTestPlatform,
  http,
  mailedLinkToken,
  problemOf,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';

describe('consumer accounts: magic link, consumer token, sign-out', () => {
  let platform: TestPlatform;
  let clients = 0;
  /** A client address of its own per use, so the per-client budget is not what a test measures by accident. */
  const freshIp = () => `203.0.113.${++clients}`;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const request = (email: string, ip = freshIp()) =>
    platform.caller({ ip }).consumer.requestMagicLink({ email });

  it('answers every address the same 202 and mails a confirm-page link whose token is stored only hashed', async () => {
    const known = await signInTestConsumer(platform);
    const unknown = uniqueEmail('stranger');
    const toKnown = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/request', {
      body: { email: known.email },
    });
    const toUnknown = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/request', {
      body: { email: unknown.toUpperCase() },
    });
    expect(toKnown.status).toBe(202);
    expect(toUnknown.status).toBe(202);
    expect(toUnknown.body).toEqual(toKnown.body);

    const mail = await platform.database.db
      .selectFrom('email_outbox')
      .select(['subject', 'text'])
      .where('to', '=', unknown)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Sign in to IPAY');
    expect(mail.text).toContain(`${platform.config.publicUrl}/consumer/sign-in/`);
    const token = await mailedLinkToken(platform, unknown, 'consumer/sign-in');
    const stored = await platform.database.db
      .selectFrom('consumer_magic_links')
      .selectAll()
      .where('email', '=', unknown)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored.expires_at.getTime() - stored.created_at.getTime()).toBe(15 * 60 * 1000);
    // Requesting creates no consumer: an address becomes one only when its link is redeemed.
    const consumers = await platform.database.db
      .selectFrom('consumers')
      .select('id')
      .where('email', '=', unknown)
      .execute();
    expect(consumers).toEqual([]);
  });

  it('mails in the consumer language once known, else the one asked for', async () => {
    const email = uniqueEmail('taal');
    await platform.caller({ ip: freshIp() }).consumer.requestMagicLink({ email, language: 'nl' });
    const mail = await platform.database.db
      .selectFrom('email_outbox')
      .select('subject')
      .where('to', '=', email)
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('Inloggen bij IPAY');
  });

  it('redeems a link once into a 30-day consumer token; used, unknown and expired links are one 400', async () => {
    const email = uniqueEmail('Redeemer');
    await request(email);
    const token = await mailedLinkToken(platform, email.toLowerCase(), 'consumer/sign-in');
    const redeemed = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/redeem', {
      body: { token },
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body.consumer).toMatchObject({ email: email.toLowerCase(), phone: null });
    const days = (Date.parse(redeemed.body.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(jwt.decode(redeemed.body.token, { json: true })).toMatchObject({
      aud: 'ipay:consumer',
      sub: redeemed.body.consumer.id,
    });

    const again = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/redeem', {
      body: { token },
    });
    const unknown = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/redeem', {
      body: { token: 'x'.repeat(43) },
    });
    await request(email);
    const expiring = await mailedLinkToken(platform, email.toLowerCase(), 'consumer/sign-in');
    await platform.database.db
      .updateTable('consumer_magic_links')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('token_hash', '=', createHash('sha256').update(expiring).digest('hex'))
      .execute();
    const expired = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/redeem', {
      body: { token: expiring },
    });
    for (const refused of [again, unknown, expired]) {
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'magic_link_invalid' });
      expect(refused.body.detail).toBe(again.body.detail);
    }
  });

  it('signs the same address in again as the same consumer, and two redemptions at once cannot both win', async () => {
    const first = await signInTestConsumer(platform);
    const second = await signInTestConsumer(platform, first.email);
    expect(second.consumer.id).toBe(first.consumer.id);
    expect(second.token).not.toBe(first.token);

    const email = uniqueEmail('race');
    await request(email);
    const token = await mailedLinkToken(platform, email, 'consumer/sign-in');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => platform.caller({ ip: freshIp() }).consumer.redeemMagicLink({ token })),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  });

  it('accepts a consumer token only on consumer endpoints, and a staff token nowhere there', async () => {
    const consumer = await signInTestConsumer(platform);
    const merchant = await createTestMerchant(platform);
    const me = await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: consumer.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: consumer.consumer.id, email: consumer.email });

    for (const path of ['/api/auth/me', '/api/orders', '/api/payment-sessions', '/api/orders/sample.csv']) {
      const refused = await http(platform.baseUrl, 'GET', path, { token: consumer.token });
      expect(refused.status, path).toBe(401);
      expect(refused.body, path).toMatchObject({ code: 'invalid_token' });
    }
    const staff = await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: merchant.token });
    expect(staff.status).toBe(401);
    expect(staff.body).toMatchObject({ code: 'consumer_token_required' });
    const anonymous = await http(platform.baseUrl, 'GET', '/api/consumer/me');
    expect(anonymous.status).toBe(401);
  });

  it('refuses a consumer-audience token without a session id, or signed with another key', async () => {
    const consumer = await signInTestConsumer(platform);
    const { secret, kid } = platform.config.jwtKeys[0]!;
    const claims = { sub: consumer.consumer.id };
    const options = { algorithm: 'HS256', keyid: kid, audience: 'ipay:consumer', issuer: 'ipay' } as const;
    const noJti = jwt.sign(claims, secret, { ...options, expiresIn: 3600 });
    const forged = jwt.sign(claims, 'another-secret', { ...options, expiresIn: 3600, jwtid: 'x' });
    for (const token of [noJti, forged]) {
      const refused = await http(platform.baseUrl, 'GET', '/api/consumer/me', { token });
      expect(refused.status).toBe(401);
    }
  });

  it('signs out one session: its token is refused at once, the other device stays signed in', async () => {
    const phone = await signInTestConsumer(platform);
    const laptop = await signInTestConsumer(platform, phone.email);
    const signedOut = await http(platform.baseUrl, 'POST', '/api/consumer/sign-out', { token: phone.token });
    expect(signedOut.status).toBe(200);
    expect(signedOut.body).toEqual({ signed_out: true });
    const after = await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: phone.token });
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'consumer_session_ended' });
    expect(await problemOf(platform.caller({ token: phone.token }).consumer.me())).toMatchObject({
      status: 401,
      code: 'consumer_session_ended',
    });
    const other = await platform.caller({ token: laptop.token }).consumer.me();
    expect(other.id).toBe(phone.consumer.id);
  });

  it('limits requests per address and per client address with a 429 problem', async () => {
    const email = uniqueEmail('limited');
    for (let i = 0; i < 5; i++) await request(email);
    expect(await problemOf(request(email))).toMatchObject({ status: 429 });
    expect(await problemOf(request(email.toUpperCase()))).toMatchObject({ status: 429 });

    const ip = freshIp();
    for (let i = 0; i < 30; i++) await request(uniqueEmail('spread'), ip);
    expect(await problemOf(request(uniqueEmail('spread'), ip))).toMatchObject({ status: 429 });

    const overHttp = await http(platform.baseUrl, 'POST', '/api/consumer/magic-link/request', {
      body: { email },
    });
    expect(overHttp.status).toBe(429);
    expect(overHttp.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(overHttp.body).toMatchObject({ status: 429 });
  });

  it('documents consumer operations with the consumerAuth scheme and staff ones with bearerAuth', async () => {
    const document = (await http(platform.baseUrl, 'GET', '/api/openapi.json')).body;
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['bearerAuth', 'consumerAuth']);
    expect(document.paths['/api/consumer/me'].get.security).toEqual([{ consumerAuth: [] }]);
    expect(document.paths['/api/consumer/sign-out'].post.security).toEqual([{ consumerAuth: [] }]);
    expect(document.paths['/api/orders'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(document.paths['/api/consumer/magic-link/request'].post.security).toBeUndefined();
  });

  it('purges expired links and ended sessions, and a purged session stays refused', async () => {
    const staying = await signInTestConsumer(platform);
    const leaving = await signInTestConsumer(platform);
    expect(
      (await http(platform.baseUrl, 'POST', '/api/consumer/sign-out', { token: leaving.token })).status,
    ).toBe(200);
    const { db } = platform.database;
    const waiting = await request(uniqueEmail('late'));
    expect(waiting).toBeTruthy();
    await sql`update consumer_magic_links set expires_at = now() - interval '1 minute'`.execute(db);

    const purged = await purgeEndedSignIns(db);
    expect(purged.links).toBeGreaterThanOrEqual(3);
    expect(purged.sessions).toBeGreaterThanOrEqual(1);
    const left = await db
      .selectFrom('consumer_sessions')
      .select(['id', 'revoked_at', 'expires_at'])
      .execute();
    expect(left.every((session) => session.revoked_at === null && session.expires_at > new Date())).toBe(
      true,
    );
    expect(await db.selectFrom('consumer_magic_links').select('id').execute()).toEqual([]);
    expect((await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: staying.token })).status).toBe(
      200,
    );
    expect((await http(platform.baseUrl, 'GET', '/api/consumer/me', { token: leaving.token })).status).toBe(
      401,
    );
  });
});
