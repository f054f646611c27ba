import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestPurchase,
  createTestUser,
  http,
  problemOf,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import { purchaseHistoryForEmail } from '../payment-sessions/service/consumer-history';
import type { CreateDealInput, FeedDeal } from './schemas';
import { listDealsFeed } from './service/feed';

// Each test that reads the feed at an explicit time uses a year of its own (2041, 2042), so the deals of the
// other tests (2045 by default) are not live then; deals meant for the real clock end by 2030.
function dealBody(overrides: Partial<CreateDealInput> = {}): CreateDealInput {
  return {
    title: 'Ten percent off socks',
    description: 'Every pair of socks, this month only.',
    starts_at: '2045-01-01T00:00:00Z',
    ends_at: '2045-12-31T00:00:00Z',
    ...overrides,
  };
}

describe('deals', () => {
  let platform: TestPlatform;
  let operator: AuthSession;
  beforeAll(async () => {
    platform = await createTestPlatform();
    operator = await createTestPlatformAdmin(platform);
  });
  afterAll(() => platform.close());

  const publish = (session: { token: string }, overrides: Partial<CreateDealInput> = {}) =>
    platform.caller({ token: session.token }).deals.create(dealBody(overrides));

  async function feedAt(email: string, now: string, limit = 50): Promise<FeedDeal[]> {
    const deals: FeedDeal[] = [];
    let cursor: string | undefined;
    do {
      const page = await listDealsFeed(platform.database.db, {
        consumer: { email },
        page: { limit, cursor },
        now: new Date(now),
      });
      deals.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return deals;
  }

  describe('the feed', () => {
    it('puts the merchants the consumer bought from first (latest first), then deals targeted to them, then the rest', async () => {
      const email = uniqueEmail('feed');
      const [earlier, latest, neverBought, unrelated] = await Promise.all(
        [1, 2, 3, 4].map(() => createTestMerchant(platform)),
      );
      if (!earlier || !latest || !neverBought || !unrelated) throw new Error('merchants missing');
      await createTestPurchase(platform, earlier, email);
      await createTestPurchase(platform, earlier, email, { country: 'BE' });
      await createTestPurchase(platform, latest, email);
      // Unpaid: not bought from, though its country counts.
      await createTestPurchase(platform, neverBought, email, { country: 'LU', paid: false });
      const history = await purchaseHistoryForEmail(platform.database.db, { email: email.toUpperCase() });
      expect(history.merchants.map((m) => [m.merchantId, m.orders])).toEqual([
        [latest.user.organization.id, 1],
        [earlier.user.organization.id, 2],
      ]);
      expect(history.countries).toEqual(['BE', 'LU', 'NL']);

      const in2041 = (session: { token: string }, overrides: Partial<CreateDealInput>) =>
        publish(session, {
          starts_at: '2041-01-01T00:00:00Z',
          ends_at: '2041-12-31T00:00:00Z',
          ...overrides,
        });
      const earlierLong = await in2041(earlier, { title: 'earlier, long', ends_at: '2041-06-01T00:00:00Z' });
      const earlierShort = await in2041(earlier, {
        title: 'earlier, short',
        ends_at: '2041-03-01T00:00:00Z',
      });
      const latestDeal = await in2041(latest, { title: 'latest', ends_at: '2041-12-01T00:00:00Z' });
      await in2041(latest, { title: 'latest, elsewhere', targeting: { countries: ['DE'] } });
      const toLuxembourg = await in2041(neverBought, {
        title: 'to LU',
        ends_at: '2041-09-01T00:00:00Z',
        targeting: { countries: ['LU', 'FR'] },
      });
      await in2041(neverBought, { title: 'to DE', targeting: { countries: ['DE'] } });
      const anyone = await in2041(neverBought, { title: 'anyone', ends_at: '2041-11-01T00:00:00Z' });
      const forEarlierCustomers = await in2041(operator, {
        title: 'platform, earlier’s customers',
        ends_at: '2041-08-01T00:00:00Z',
        targeting: { merchant_ids: [earlier.user.organization.id] },
      });
      await in2041(operator, {
        title: 'platform, unrelated’s customers',
        targeting: { merchant_ids: [unrelated.user.organization.id] },
      });
      const platformForAll = await in2041(operator, {
        title: 'platform, all',
        ends_at: '2041-02-01T00:00:00Z',
      });

      const expected = [
        [latestDeal.id, 'bought_from'],
        [earlierShort.id, 'bought_from'],
        [earlierLong.id, 'bought_from'],
        [forEarlierCustomers.id, 'targeted'],
        [toLuxembourg.id, 'targeted'],
        [platformForAll.id, 'everyone'],
        [anyone.id, 'everyone'],
      ];
      const feed = await feedAt(email, '2041-01-15T00:00:00Z');
      expect(feed.map((deal) => [deal.id, deal.placement])).toEqual(expected);
      expect(feed[0]?.merchant).toEqual({
        id: latest.user.organization.id,
        name: latest.user.organization.name,
      });
      expect(feed.find((deal) => deal.id === platformForAll.id)?.merchant).toBeNull();
      // Page by page, two at a time: the same order, nothing repeated or skipped.
      expect((await feedAt(email, '2041-01-15T00:00:00Z', 2)).map((deal) => deal.id)).toEqual(
        expected.map(([id]) => id),
      );

      // A stranger sees only the deals for everyone (the merchants' untargeted ones too), ending soonest first.
      const stranger = await feedAt(uniqueEmail('stranger'), '2041-01-15T00:00:00Z');
      expect(stranger.map((deal) => [deal.id, deal.placement])).toEqual(
        [platformForAll, earlierShort, earlierLong, anyone, latestDeal].map((deal) => [deal.id, 'everyone']),
      );
    });

    it('shows a deal only while it is live: not before it starts, not from its end, not once retired', async () => {
      const merchant = await createTestMerchant(platform);
      const email = uniqueEmail('window');
      const june = await publish(merchant, {
        starts_at: '2042-06-01T00:00:00Z',
        ends_at: '2042-07-01T00:00:00Z',
      });
      const january = await publish(merchant, {
        starts_at: '2042-01-01T00:00:00Z',
        ends_at: '2042-02-01T00:00:00Z',
      });
      const retired = await publish(merchant, {
        starts_at: '2042-01-01T00:00:00Z',
        ends_at: '2042-12-31T00:00:00Z',
      });
      await platform.caller({ token: merchant.token }).deals.retire({ id: retired.id });
      const ids = async (now: string) => (await feedAt(email, now)).map((deal) => deal.id);

      expect(await ids('2041-12-31T23:59:59Z')).toEqual([]);
      expect(await ids('2042-01-01T00:00:00Z')).toEqual([january.id]);
      expect(await ids('2042-01-31T23:59:59.999Z')).toEqual([january.id]);
      expect(await ids('2042-02-01T00:00:00Z')).toEqual([]);
      expect(await ids('2042-06-15T00:00:00Z')).toEqual([june.id]);
      expect(await ids('2042-07-01T00:00:00Z')).toEqual([]);
    });

    it('is for consumer tokens only, and pages with a cursor', async () => {
      const consumer = await signInTestConsumer(platform);
      const merchant = await createTestMerchant(platform);
      await createTestPurchase(platform, merchant, consumer.email);
      const first = await publish(merchant, {
        starts_at: '2026-01-01T00:00:00Z',
        ends_at: '2030-06-01T00:00:00Z',
      });
      const second = await publish(merchant, {
        starts_at: '2026-01-01T00:00:00Z',
        ends_at: '2030-07-01T00:00:00Z',
      });
      const page = await platform.caller({ token: consumer.token }).deals.feed({ limit: 1 });
      expect(page.items.map((deal) => deal.id)).toEqual([first.id]);
      const next = await platform
        .caller({ token: consumer.token })
        .deals.feed({ limit: 1, cursor: page.nextCursor ?? '' });
      expect(next.items.map((deal) => deal.id)).toEqual([second.id]);
      expect(await problemOf(platform.caller({ token: merchant.token }).deals.feed({}))).toMatchObject({
        status: 401,
        code: 'consumer_token_required',
      });
      expect(
        await problemOf(
          platform.caller({ token: consumer.token }).deals.feed({ cursor: 'bm90IGEgY3Vyc29y' }),
        ),
      ).toMatchObject({ status: 400, fields: ['cursor'] });
    });
  });

  describe('managing deals', () => {
    it('derives the status and records deal.published and deal.retired (once: retiring again changes nothing)', async () => {
      const merchant = await createTestMerchant(platform);
      const caller = platform.caller({ token: merchant.token });
      const deal = await publish(merchant, {
        starts_at: '2043-01-01T00:00:00Z',
        ends_at: '2043-02-01T00:00:00Z',
      });
      expect(deal).toMatchObject({
        publisher: 'merchant',
        merchant_id: merchant.user.organization.id,
        status: 'scheduled',
        targeting: { countries: [], merchant_ids: [] },
        retired_at: null,
      });
      const live = await caller.deals.schedule({
        id: deal.id,
        starts_at: '2026-01-01T00:00:00+01:00',
        ends_at: '2043-02-01T00:00:00Z',
      });
      expect(live).toMatchObject({ status: 'live', starts_at: '2025-12-31T23:00:00.000Z' });
      const retired = await caller.deals.retire({ id: deal.id });
      expect(retired.status).toBe('retired');
      expect(await caller.deals.retire({ id: deal.id })).toEqual(retired);
      const events = await platform.database.db
        .selectFrom('domain_events')
        .select(['type', 'organization_id'])
        .where('resource_id', '=', deal.id)
        .orderBy('sequence')
        .execute();
      expect(events).toEqual([
        { type: 'deal.published', organization_id: merchant.user.organization.id },
        { type: 'deal.retired', organization_id: merchant.user.organization.id },
      ]);
      expect(await problemOf(caller.deals.update({ id: deal.id, title: 'Again' }))).toMatchObject({
        status: 409,
        code: 'deal_retired',
      });
    });

    it('lets a merchant change only its own deals, and a colleague change them too', async () => {
      const merchant = await createTestMerchant(platform);
      const other = await createTestMerchant(platform);
      const colleague = await createTestUser(platform, merchant.user.organization.id, ['merchant_user']);
      const deal = await publish(merchant);
      const platformDeal = await publish(operator);
      const stranger = platform.caller({ token: other.token });
      for (const attempt of [
        () => stranger.deals.get({ id: deal.id }),
        () => stranger.deals.update({ id: deal.id, title: 'Mine now' }),
        () => stranger.deals.retire({ id: deal.id }),
        () => platform.caller({ token: merchant.token }).deals.retire({ id: platformDeal.id }),
      ]) {
        expect(await problemOf(attempt())).toMatchObject({ status: 404, code: 'deal_not_found' });
      }
      const updated = await platform.caller({ token: colleague.token }).deals.update({
        id: deal.id,
        title: '  Twenty percent off  ',
        image_url: 'https://cdn.example.com/s.png',
      });
      expect(updated).toMatchObject({
        title: 'Twenty percent off',
        image_url: 'https://cdn.example.com/s.png',
      });
      const listed = await platform.caller({ token: merchant.token }).deals.list({ limit: 200 });
      expect(listed.items.map((item) => item.id)).toEqual([deal.id]);
      const scheduled = await platform.caller({ token: merchant.token }).deals.list({ status: 'scheduled' });
      expect(scheduled.items.map((item) => item.id)).toEqual([deal.id]);
      expect((await platform.caller({ token: merchant.token }).deals.list({ status: 'live' })).items).toEqual(
        [],
      );
    });

    it('lets operators change platform deals, target merchants, and retire any deal but not change a merchant’s', async () => {
      const merchant = await createTestMerchant(platform);
      const caller = platform.caller({ token: operator.token });
      const merchantDeal = await publish(merchant);
      const platformDeal = await publish(operator);
      expect(platformDeal).toMatchObject({ publisher: 'platform', merchant_id: null });
      const targeted = await caller.deals.target({
        id: platformDeal.id,
        countries: ['nl', 'BE', 'NL'],
        merchant_ids: [merchant.user.organization.id.toUpperCase()],
      });
      expect(targeted.targeting).toEqual({
        countries: ['BE', 'NL'],
        merchant_ids: [merchant.user.organization.id],
      });
      expect(await problemOf(caller.deals.update({ id: merchantDeal.id, title: 'Ours' }))).toMatchObject({
        status: 403,
        code: 'not_publisher',
      });
      expect((await caller.deals.retire({ id: merchantDeal.id })).status).toBe('retired');
      const everyDeal = await caller.deals.list({ limit: 200 });
      expect(everyDeal.items.map((item) => item.id)).toEqual(
        expect.arrayContaining([merchantDeal.id, platformDeal.id]),
      );
    });

    it('refuses bad deals over REST with problem details naming the field', async () => {
      const merchant = await createTestMerchant(platform);
      const deal = await publish(merchant);
      const merchantId = merchant.user.organization.id;
      const post = (token: string, overrides: Record<string, unknown>) =>
        http(platform.baseUrl, 'POST', '/api/deals', { token, body: { ...dealBody(), ...overrides } });
      const cases: Array<[() => ReturnType<typeof http>, string]> = [
        [() => post(merchant.token, { ends_at: '2045-01-01T00:00:00Z' }), 'ends_at'],
        [
          () => post(merchant.token, { starts_at: '2020-01-01T00:00:00Z', ends_at: '2021-01-01T00:00:00Z' }),
          'ends_at',
        ],
        [() => post(merchant.token, { ends_at: 'next week' }), 'ends_at'],
        [() => post(merchant.token, { image_url: 'http://cdn.example.com/a.png' }), 'image_url'],
        [() => post(merchant.token, { image_url: 'https://10.0.0.1/a.png' }), 'image_url'],
        [() => post(merchant.token, { image_url: 'https://user:pw@cdn.example.com/a.png' }), 'image_url'],
        [() => post(merchant.token, { link_url: 'javascript:alert(1)' }), 'link_url'],
        [() => post(merchant.token, { description: 'a\u0000b' }), 'description'],
        [() => post(merchant.token, { title: 'x'.repeat(121) }), 'title'],
        [() => post(merchant.token, { title: '   ' }), 'title'],
        [() => post(merchant.token, { description: 'x'.repeat(2001) }), 'description'],
        [() => post(merchant.token, { code: 'SAVE 10' }), 'code'],
        [() => post(merchant.token, { targeting: { countries: ['XX'] } }), 'targeting.countries.0'],
        [() => post(merchant.token, { targeting: { merchant_ids: [merchantId] } }), 'targeting.merchant_ids'],
        [
          () => post(operator.token, { targeting: { merchant_ids: [operator.user.organization.id] } }),
          'targeting.merchant_ids',
        ],
        [
          () =>
            http(platform.baseUrl, 'PUT', `/api/deals/${deal.id}/targeting`, {
              token: merchant.token,
              body: { merchant_ids: [merchantId] },
            }),
          'merchant_ids',
        ],
        [
          () =>
            http(platform.baseUrl, 'POST', `/api/deals/${deal.id}/schedule`, {
              token: merchant.token,
              body: { starts_at: '2045-02-01T00:00:00Z', ends_at: '2045-01-01T00:00:00Z' },
            }),
          'ends_at',
        ],
        [
          () => http(platform.baseUrl, 'PATCH', `/api/deals/${deal.id}`, { token: merchant.token, body: {} }),
          'body',
        ],
      ];
      for (const [attempt, field] of cases) {
        const response = await attempt();
        expect(response.status, `${field}: ${JSON.stringify(response.body)}`).toBe(400);
        const problem = response.body as { errors: Array<{ field: string }> };
        expect(
          problem.errors.map((error) => error.field),
          field,
        ).toEqual([field]);
      }
    });
  });

  describe('over HTTP', () => {
    it('publishes, changes, targets, schedules and retires a deal, and the consumer sees it while it is live', async () => {
      const merchant = await createTestMerchant(platform);
      const consumer = await signInTestConsumer(platform);
      await createTestPurchase(platform, merchant, consumer.email, { country: 'BE' });
      const asMerchant = { token: merchant.token };
      const created = await http(platform.baseUrl, 'POST', '/api/deals', {
        ...asMerchant,
        headers: { 'idempotency-key': 'deal-http-1' },
        body: dealBody({
          starts_at: '2026-01-01T00:00:00Z',
          ends_at: '2030-01-01T00:00:00Z',
          code: 'SOCKS10',
        }),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const id = String(created.body.id);
      const replayed = await http(platform.baseUrl, 'POST', '/api/deals', {
        ...asMerchant,
        headers: { 'idempotency-key': 'deal-http-1' },
        body: dealBody({
          starts_at: '2026-01-01T00:00:00Z',
          ends_at: '2030-01-01T00:00:00Z',
          code: 'SOCKS10',
        }),
      });
      expect(replayed.body.id).toBe(id);

      const patched = await http(platform.baseUrl, 'PATCH', `/api/deals/${id}`, {
        ...asMerchant,
        body: { link_url: 'https://shop.example.com/socks', code: null },
      });
      expect(patched.body).toMatchObject({ link_url: 'https://shop.example.com/socks', code: null });
      const targeting = await http(platform.baseUrl, 'PUT', `/api/deals/${id}/targeting`, {
        ...asMerchant,
        body: { countries: ['BE'] },
      });
      expect(targeting.body.targeting).toEqual({ countries: ['BE'], merchant_ids: [] });
      const window = { starts_at: '2026-01-01T00:00:00Z', ends_at: '2030-02-01T00:00:00Z' };
      const scheduled = await http(platform.baseUrl, 'POST', `/api/deals/${id}/schedule`, {
        ...asMerchant,
        body: window,
      });
      expect(scheduled.body).toMatchObject({ status: 'live', ends_at: '2030-02-01T00:00:00.000Z' });
      expect((await http(platform.baseUrl, 'GET', `/api/deals/${id}`, asMerchant)).body.id).toBe(id);

      const feed = await http(platform.baseUrl, 'GET', '/api/deals/feed?limit=20', { token: consumer.token });
      expect(feed.status).toBe(200);
      expect(feed.body.items).toContainEqual(
        expect.objectContaining({
          id,
          placement: 'bought_from',
          link_url: 'https://shop.example.com/socks',
          merchant: { id: merchant.user.organization.id, name: merchant.user.organization.name },
        }),
      );
      expect((await http(platform.baseUrl, 'GET', '/api/deals/feed', asMerchant)).status).toBe(401);
      expect((await http(platform.baseUrl, 'GET', '/api/deals', { token: consumer.token })).status).toBe(401);

      const bad = await http(platform.baseUrl, 'POST', '/api/deals', {
        ...asMerchant,
        body: dealBody({ image_url: 'http://cdn.example.com/a.png' }),
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['image_url']);

      for (let attempt = 0; attempt < 2; attempt++) {
        const retired = await http(platform.baseUrl, 'POST', `/api/deals/${id}/retire`, asMerchant);
        expect(retired.body.status).toBe('retired');
      }
      const after = await http(platform.baseUrl, 'GET', '/api/deals/feed?limit=20', {
        token: consumer.token,
      });
      expect(after.body.items.map((deal: { id: string }) => deal.id)).not.toContain(id);
    });
  });
});
