import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestSessionFor,
  http,
  payOnPayPage,
  payOnSharePage,
  problemOf,
  shareCodeOf,
  signInTestConsumer,
  type TestConsumer,
  type TestPlatform,
} from '../../testing';
import { SHARE_LIMITS } from './service/share-link';

describe('sharing a payment', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const as = (consumer: TestConsumer) => platform.caller({ token: consumer.token }).sharePayment;

  async function parcelOf(consumer: TestConsumer, orderId: string) {
    const parcels = await platform.caller({ token: consumer.token }).consumer.parcels({ limit: 50 });
    const parcel = parcels.items.find((item) => item.id === orderId);
    if (!parcel) throw new Error(`order ${orderId} is not among the consumer's parcels`);
    return parcel;
  }

  it('gives the owner a short, unguessable link to their own session, the same one when asked again, stored only hashed and sealed', async () => {
    const consumer = await signInTestConsumer(platform);
    const { session, order } = await createTestSessionFor(platform, consumer.email.toUpperCase());
    expect((await parcelOf(consumer, order.id)).session_id).toBe(session.id);

    const shared = await as(consumer).share({ session_id: session.id });
    expect(shared).toMatchObject({
      session_id: session.id,
      status: 'active',
      expires_at: session.expires_at,
      paid_by: null,
    });
    expect(shared.share_url).toMatch(new RegExp(`^${platform.config.publicUrl}/s/[A-Za-z0-9_-]{16}$`));
    expect(await as(consumer).share({ session_id: session.id })).toEqual(shared);
    expect(await as(consumer).get({ session_id: session.id })).toEqual(shared);

    const code = shareCodeOf(shared.share_url);
    const { rows } = await sql<{ row: string }>`
      select row_to_json(s)::text as row from payment_shares s where session_id = ${session.id}`.execute(
      platform.database.db,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.row).not.toContain(code);
  });

  it('answers 404, never 403, for a session that is not one of my parcels, on both endpoints', async () => {
    const owner = await signInTestConsumer(platform);
    const stranger = await signInTestConsumer(platform);
    const { session } = await createTestSessionFor(platform, owner.email);
    await as(owner).share({ session_id: session.id });

    for (const sessionId of [session.id, randomUUID()]) {
      expect(await problemOf(as(stranger).share({ session_id: sessionId }))).toMatchObject({
        status: 404,
        code: 'shared_session_not_found',
      });
      expect(await problemOf(as(stranger).get({ session_id: sessionId }))).toMatchObject({
        status: 404,
        code: 'shared_session_not_found',
      });
    }
    const mine = await createTestSessionFor(platform, owner.email);
    expect(await problemOf(as(owner).get({ session_id: mine.session.id }))).toMatchObject({
      status: 404,
      code: 'share_link_not_found',
    });
  });

  it('refuses with 409 a session that can no longer be paid, saying why', async () => {
    const consumer = await signInTestConsumer(platform);
    const paid = await createTestSessionFor(platform, consumer.email);
    await payOnPayPage(platform, paid.token);
    const refusedPaid = as(consumer).share({ session_id: paid.session.id });
    expect(await problemOf(refusedPaid)).toMatchObject({ status: 409, code: 'session_not_shareable' });

    const cancelled = await createTestSessionFor(platform, consumer.email);
    const cancel = await http(platform.baseUrl, 'POST', `/api/orders/${cancelled.order.id}/cancel`, {
      token: cancelled.merchant.token,
      body: { reason: 'out of stock' },
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);

    const answers = await Promise.all(
      [paid, cancelled].map((s) =>
        http(platform.baseUrl, 'POST', `/api/share-payment/${s.session.id}`, { token: consumer.token }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([409, 409]);
    expect(answers[0]!.headers.get('content-type')).toContain('application/problem+json');
    expect(answers[0]!.body.detail).toContain('paid already');
    expect(answers[1]!.body.detail).toContain('CANCELLED');
  });

  it('expires with the session: no new link, the link says ended, and opening it leads to the expired pay page', async () => {
    const consumer = await signInTestConsumer(platform);
    const { session, token } = await createTestSessionFor(platform, consumer.email);
    const shared = await as(consumer).share({ session_id: session.id });
    const code = shareCodeOf(shared.share_url);
    expect((await fetch(`${platform.baseUrl}/s/${code}`, { redirect: 'manual' })).status).toBe(200);

    await sql`update payment_sessions set expires_at = now() - interval '1 second' where id = ${session.id}`.execute(
      platform.database.db,
    );

    const refused = await problemOf(as(consumer).share({ session_id: session.id }));
    expect(refused).toMatchObject({ status: 409, code: 'session_not_shareable' });
    expect(await as(consumer).get({ session_id: session.id })).toMatchObject({
      status: 'ended',
      paid_by: null,
    });
    const opened = await fetch(`${platform.baseUrl}/s/${code}`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe(`/pay/${token}`);
    expect((await fetch(`${platform.baseUrl}/pay/${token}`)).status).toBe(410);
    expect((await payOnSharePage(platform, code)).status).toBe(303);
    expect((await fetch(`${platform.baseUrl}/api/session/${token}`)).status).toBe(404);
  });

  it('limits asking per session and per consumer, with 429 and Retry-After; unknown ids count too', async () => {
    const consumer = await signInTestConsumer(platform);
    const { session } = await createTestSessionFor(platform, consumer.email);
    for (let i = 0; i < SHARE_LIMITS.perSession.limit; i += 1) {
      await as(consumer).share({ session_id: session.id });
    }
    const perSession = await http(platform.baseUrl, 'POST', `/api/share-payment/${session.id}`, {
      token: consumer.token,
    });
    expect(perSession.status).toBe(429);
    expect(perSession.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(perSession.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another session of the same consumer still has its own budget...
    const other = await createTestSessionFor(platform, consumer.email);
    await as(consumer).share({ session_id: other.session.id });
    // ...until the consumer's own runs out, guessing ids included.
    const used = SHARE_LIMITS.perSession.limit + 2;
    for (let i = used; i < SHARE_LIMITS.perConsumer.limit; i += 1) {
      await problemOf(as(consumer).share({ session_id: randomUUID() }));
    }
    const perConsumer = await http(platform.baseUrl, 'POST', `/api/share-payment/${other.session.id}`, {
      token: consumer.token,
    });
    expect(perConsumer.status).toBe(429);
    expect(Number(perConsumer.headers.get('retry-after'))).toBeGreaterThan(0);
    const someoneElse = await signInTestConsumer(platform);
    const theirs = await createTestSessionFor(platform, someoneElse.email);
    expect((await as(someoneElse).share({ session_id: theirs.session.id })).status).toBe('active');
  });

  it('lets someone else pay through the link, naming themselves: the owner sees who paid, the payer never the door code', async () => {
    const consumer = await signInTestConsumer(platform);
    const shop = await createTestMerchant(platform);
    const { session, order, token } = await createTestSessionFor(platform, consumer.email, shop);
    const shared = await as(consumer).share({ session_id: session.id });
    const code = shareCodeOf(shared.share_url);

    const page = await fetch(`${platform.baseUrl}/s/${code}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('name="payer_name"');
    expect(html).toContain(session.ipay_reference_18.slice(0, 3));
    expect(html).not.toContain(consumer.email);
    expect(html).not.toContain(token);

    const paid = await payOnSharePage(platform, code, { payer_name: '  Bob <Builder>  ' });
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`/pay/${token}`);
    expect(paid.setCookies.filter((c) => c.startsWith('ipay_payer='))).toEqual([]);
    const payPage = await (await fetch(`${platform.baseUrl}/pay/${token}`)).text();
    expect(payPage).not.toContain('class="code"');

    const paidBy = { name: 'Bob <Builder>', label: 'Bob <Builder>' };
    expect(await as(consumer).get({ session_id: session.id })).toMatchObject({
      status: 'paid',
      paid_by: paidBy,
    });
    expect((await parcelOf(consumer, order.id)).paid_by).toEqual(paidBy);
    const parcelsPage = await fetch(`${platform.baseUrl}/consumer/parcels`, {
      headers: { cookie: `ipay_consumer=${consumer.token}` },
    });
    expect(await parcelsPage.text()).toContain('<dt>Paid by</dt><dd>Bob &lt;Builder&gt;</dd>');
    const again = await fetch(`${platform.baseUrl}/s/${code}`, { redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/pay/${token}`);
  });

  it('says "someone you shared the link with" for a payer who gave no name, and nothing for a payment made elsewhere', async () => {
    const consumer = await signInTestConsumer(platform);
    const anonymous = await createTestSessionFor(platform, consumer.email);
    const shared = await as(consumer).share({ session_id: anonymous.session.id });
    expect((await payOnSharePage(platform, shareCodeOf(shared.share_url))).status).toBe(303);
    expect((await parcelOf(consumer, anonymous.order.id)).paid_by).toEqual({
      name: null,
      label: 'someone you shared the link with',
    });

    const selfPaid = await createTestSessionFor(platform, consumer.email);
    await as(consumer).share({ session_id: selfPaid.session.id });
    await payOnPayPage(platform, selfPaid.token);
    expect((await parcelOf(consumer, selfPaid.order.id)).paid_by).toBeNull();
    expect(await as(consumer).get({ session_id: selfPaid.session.id })).toMatchObject({
      status: 'paid',
      paid_by: null,
    });
  });

  it('refuses hostile input on the share page as pages, paying nothing', async () => {
    const consumer = await signInTestConsumer(platform);
    const { session, token } = await createTestSessionFor(platform, consumer.email);
    const code = shareCodeOf((await as(consumer).share({ session_id: session.id })).share_url);

    for (const payer_name of ['x'.repeat(81), 'Bob\nAlice', 'Bob\u202eecilA', 'y'.repeat(320)]) {
      const refused = await payOnSharePage(platform, code, { payer_name });
      expect(refused.status, payer_name.slice(0, 20)).toBe(400);
      expect(refused.body, payer_name.slice(0, 20)).toContain('aria-invalid="true"');
    }
    // Beyond the pages' 4 KiB form limit: refused before it is read.
    expect((await payOnSharePage(platform, code, { payer_name: 'y'.repeat(5000) })).status).toBe(400);
    expect((await payOnSharePage(platform, code, { psp: 'cash' })).status).toBe(400);
    for (const path of ['/s/short', `/s/${code}x`, `/s/${'A'.repeat(15)}!`, '/s/AAAAAAAAAAAAAAAA']) {
      const unknown = await fetch(`${platform.baseUrl}${path}`);
      expect(unknown.status, path).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('text/html');
    }
    const malformed = await fetch(`${platform.baseUrl}/s/%E0%A4%A`);
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('text/html');
    const crossSite = await fetch(`${platform.baseUrl}/s/${code}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: 'psp=simulate',
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    const publicView = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(publicView.body.status).toBe('PENDING_PAYMENT');
  });

  it('serves the endpoints over REST to consumers only, naming a malformed session id', async () => {
    const consumer = await signInTestConsumer(platform);
    const { session, merchant } = await createTestSessionFor(platform, consumer.email);
    const path = `/api/share-payment/${session.id}`;
    expect((await http(platform.baseUrl, 'POST', path)).status).toBe(401);
    expect((await http(platform.baseUrl, 'POST', path, { token: merchant.token })).status).toBe(401);
    const bad = await http(platform.baseUrl, 'POST', '/api/share-payment/not-a-uuid', {
      token: consumer.token,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('session_id');

    const created = await http(platform.baseUrl, 'POST', path, { token: consumer.token });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ session_id: session.id, status: 'active', paid_by: null });
    const read = await http(platform.baseUrl, 'GET', path, { token: consumer.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });
});
