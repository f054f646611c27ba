import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPlatform,
  createTestSponsor,
  http,
  iqpayOrderBody,
  TEST_PASSWORD,
  type TestPlatform,
  type TestSponsorSetup,
} from '../../testing';
import { ACTIVATION_CODE_ALPHABET, generateActivationCode } from './service/activation-code';

const CREATE = '/organization/Sponsor/Order/CreateOrderWithMember';

describe('benefit cards (iQpay Order API)', () => {
  let platform: TestPlatform;
  let sponsor: TestSponsorSetup;

  beforeAll(async () => {
    platform = await createTestPlatform({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', LOGIN_RATE_LIMIT: '1000' },
    });
    sponsor = await createTestSponsor(platform, { channel: 'email' });
  });
  afterAll(() => platform.close());

  const order = (body: Record<string, unknown>, token = sponsor.adminToken) =>
    http(platform.baseUrl, 'POST', CREATE, { token, body });
  const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

  describe('sign in', () => {
    it('answers a token, its type and lifetime in seconds', async () => {
      const res = await http(platform.baseUrl, 'POST', '/identity/Auth/SignIn', {
        body: { username: sponsor.adminUsername, password: TEST_PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ token: expect.any(String), tokenType: 'Bearer', expiresIn: 7 * 24 * 3600 });
    });

    it('gives the same 401 problem for a wrong password and an unknown username', async () => {
      const wrong = await http(platform.baseUrl, 'POST', '/identity/Auth/SignIn', {
        body: { username: sponsor.userUsername, password: 'not the password' },
      });
      const unknown = await http(platform.baseUrl, 'POST', '/identity/Auth/SignIn', {
        body: { username: 'nobody-here', password: 'not the password' },
      });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('content-type')).toContain('application/problem+json');
      expect(unknown.status).toBe(401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('is rate-limited per client address', async () => {
      const limited = await createTestPlatform({ env: { LOGIN_RATE_LIMIT: '2' } });
      try {
        const attempt = () =>
          http(limited.baseUrl, 'POST', '/identity/Auth/SignIn', {
            body: { username: 'someone', password: 'wrong password' },
          });
        expect((await attempt()).status).toBe(401);
        expect((await attempt()).status).toBe(401);
        const third = await attempt();
        expect(third.status).toBe(429);
        expect(third.headers.get('retry-after')).toBeTruthy();
      } finally {
        await limited.close();
      }
    });
  });

  describe('create order', () => {
    it('answers the documented shape with a numeric id and issues one card per product', async () => {
      const body = iqpayOrderBody(sponsor, {
        productCode: `${sponsor.productCodes[0]},${sponsor.productCodes[1]}`,
      });
      const res = await order(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        statusText: 'Ok',
        statusCode: null,
        id: expect.any(Number),
        dependantId: null,
      });
      expect(JSON.stringify(res.body)).not.toMatch(/[A-Z0-9]{4}-[A-Z0-9]{4}-/);
      const read = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${res.body.id}`, {
        token: sponsor.userToken,
      });
      expect(read.status).toBe(200);
      expect(read.body.cards).toHaveLength(2);
      expect(read.body.status).toBe('processed');
      expect(read.body.cards[0]).toMatchObject({ status: 'pending_activation', deliveryStatus: 'pending' });
      expect(read.body.member).toMatchObject({ externalId: 'EXT-MBR-12345', optInNotification: true });
    });

    it('returns the first order for a repeated externalTransactionId and issues nothing new', async () => {
      const body = iqpayOrderBody(sponsor);
      const first = await order(body);
      const before = await http(platform.baseUrl, 'GET', `/api/benefit-cards/programs/${sponsor.programId}`, {
        token: sponsor.adminToken,
      });
      const second = await order(body);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      const after = await http(platform.baseUrl, 'GET', `/api/benefit-cards/programs/${sponsor.programId}`, {
        token: sponsor.adminToken,
      });
      expect(after.body.budget.balanceMinor).toBe(before.body.budget.balanceMinor);
      const read = await http(
        platform.baseUrl,
        'GET',
        `/api/benefit-cards/orders/by-external-transaction-id/${body.externalTransactionId}`,
        { token: sponsor.userToken },
      );
      expect(read.body.id).toBe(first.body.id);
      expect(read.body.cards).toHaveLength(1);
    });

    it('reads an order by an externalTransactionId holding characters a path must encode', async () => {
      const externalTransactionId = `TX 2026/11 #${Math.floor(Math.random() * 1e6)}`;
      const first = await order(iqpayOrderBody(sponsor, { externalTransactionId }));
      expect(first.status).toBe(200);
      const read = await http(
        platform.baseUrl,
        'GET',
        `/api/benefit-cards/orders/by-external-transaction-id/${encodeURIComponent(externalTransactionId)}`,
        { token: sponsor.userToken },
      );
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(first.body.id);
    });

    it('refuses a different request under a used externalTransactionId with a 409 naming it and the order', async () => {
      const body = iqpayOrderBody(sponsor);
      const first = await order(body);
      const budget = async () =>
        (
          await http(platform.baseUrl, 'GET', `/api/benefit-cards/programs/${sponsor.programId}`, {
            token: sponsor.adminToken,
          })
        ).body.budget.balanceMinor as number;
      const before = await budget();
      // The same request with its keys in another order is the same request.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      expect((await order(reordered)).body.id).toBe(first.body.id);
      for (const different of [
        { ...body, email: 'someone.else@example.com', externalId: 'EXT-MBR-OTHER', firstName: 'Kim' },
        { ...body, productCode: sponsor.productCodes[1] },
        { ...body, optInNotification: false },
      ]) {
        const res = await order(different);
        expect(res.status).toBe(409);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(fieldsOf(res.body)).toEqual(['externalTransactionId']);
        expect(res.body.detail).toContain(`order ${first.body.id}`);
        expect(res.body.detail).toContain(body.externalTransactionId);
      }
      expect(await budget()).toBe(before);
      const read = await http(
        platform.baseUrl,
        'GET',
        `/api/benefit-cards/orders/by-external-transaction-id/${body.externalTransactionId}`,
        { token: sponsor.userToken },
      );
      expect(read.body.cards).toHaveLength(1);
      expect(read.body.member).toMatchObject({ firstName: 'Jane', externalId: 'EXT-MBR-12345' });
    });

    it('defaults phoneCountryCode to "1" and upserts the member by externalId, keeping opt-ins current', async () => {
      // Omitted fields are left out of the JSON body, as a sponsor leaving phoneCountryCode out would.
      const body = iqpayOrderBody(sponsor, { externalId: 'EXT-UPSERT', phoneCountryCode: undefined });
      const first = await order(body);
      const second = await order({
        ...body,
        externalTransactionId: 'TXN-UPSERT-2',
        optInNotification: false,
        firstName: 'Janet',
      });
      const a = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${first.body.id}`, {
        token: sponsor.adminToken,
      });
      const b = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${second.body.id}`, {
        token: sponsor.adminToken,
      });
      expect(a.body.member.phoneCountryCode).toBe('1');
      expect(b.body.member.id).toBe(a.body.member.id);
      expect(b.body.member).toMatchObject({ firstName: 'Janet', optInNotification: false });
    });

    it('upserts members without externalId by e-mail', async () => {
      const body = iqpayOrderBody(sponsor, { externalId: undefined, email: 'by-email@example.com' });
      const first = await order(body);
      const second = await order({ ...body, externalTransactionId: `${body.externalTransactionId}-2` });
      const a = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${first.body.id}`, {
        token: sponsor.adminToken,
      });
      const b = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${second.body.id}`, {
        token: sponsor.adminToken,
      });
      expect(b.body.member.id).toBe(a.body.member.id);
    });

    it.each([
      ['email', `${'a'.repeat(68)}@example.com`, `${'a'.repeat(69)}@example.com`],
      ['firstName', 'F'.repeat(50), 'F'.repeat(51)],
      ['lastName', 'L'.repeat(50), 'L'.repeat(51)],
      ['phoneCountryCode', '1', '44'],
      ['phone', '5'.repeat(10), '5'.repeat(11)],
      ['externalId', 'E'.repeat(50), 'E'.repeat(51)],
      ['externalTransactionId', 'T'.repeat(50), 'T'.repeat(51)],
    ])('accepts %s at its limit and names it when one over', async (field, ok, tooLong) => {
      const accepted = await order(iqpayOrderBody(sponsor, { [field]: ok }));
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
      const rejected = await order(iqpayOrderBody(sponsor, { [field]: tooLong }));
      expect(rejected.status).toBe(400);
      expect(rejected.headers.get('content-type')).toContain('application/problem+json');
      expect(fieldsOf(rejected.body)).toContain(field);
    });

    it('names every invalid field: e-mail format, opt-in, missing required fields', async () => {
      const res = await order({
        productCode: sponsor.productCodes[0],
        programCode: sponsor.programCode,
        email: 'not-an-email',
        firstName: '',
        phone: '555',
        optInNotification: true,
        optInForSMSOrEmail: false,
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        type: expect.any(String),
        title: expect.any(String),
        status: 400,
        traceId: expect.any(String),
      });
      expect(fieldsOf(res.body)).toEqual(
        expect.arrayContaining(['email', 'firstName', 'lastName', 'optInForSMSOrEmail']),
      );
    });

    it('rejects unknown programs and products, products outside the program and mixed card providers', async () => {
      const unknownProgram = await order(iqpayOrderBody(sponsor, { programCode: 'NOPE' }));
      expect(fieldsOf(unknownProgram.body)).toEqual(['programCode']);
      const unknownProduct = await order(iqpayOrderBody(sponsor, { productCode: 'NOPE' }));
      expect(unknownProduct.status).toBe(400);
      expect(unknownProduct.body.errors[0]).toMatchObject({ field: 'productCode', code: 'not_found' });
      const mixed = await order(
        iqpayOrderBody(sponsor, { productCode: `${sponsor.productCodes[0]},${sponsor.productCodes[2]}` }),
      );
      expect(mixed.body.errors[0]).toMatchObject({ field: 'productCode', code: 'mixed_card_providers' });

      const other = await createTestSponsor(platform, { channel: 'email' });
      const outside = await order(iqpayOrderBody(sponsor, { productCode: other.productCodes[0] }));
      expect(outside.body.errors[0]).toMatchObject({ field: 'productCode', code: 'not_in_program' });
    });

    it('requires externalId when the program does, and externalTransactionId for webhook programs', async () => {
      const strict = await createTestSponsor(platform, {
        channel: 'webhook',
        webhookUrl: 'http://127.0.0.1:9/hooks',
        externalIdRequired: true,
      });
      const res = await order(
        iqpayOrderBody(strict, { externalId: undefined, externalTransactionId: undefined }),
        strict.adminToken,
      );
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body).sort()).toEqual(['externalId', 'externalTransactionId']);
    });

    it('refuses an order the budget cannot pay and issues nothing', async () => {
      const poor = await createTestSponsor(platform, { channel: 'email', budgetMinor: 7000 });
      const res = await order(
        iqpayOrderBody(poor, { productCode: `${poor.productCodes[0]},${poor.productCodes[1]}` }),
        poor.adminToken,
      );
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ field: 'programCode', code: 'insufficient_budget' });
      const orders = await http(platform.baseUrl, 'GET', '/api/benefit-cards/orders', {
        token: poor.adminToken,
      });
      expect(orders.body.items).toEqual([]);
      const tx = await http(
        platform.baseUrl,
        'GET',
        `/api/benefit-cards/programs/${poor.programId}/budget/transactions`,
        {
          token: poor.operatorToken,
        },
      );
      expect(tx.body.items.map((t: { kind: string }) => t.kind)).toEqual(['top_up']);
    });

    it('debits the budget per card, listed as budget transactions', async () => {
      const fresh = await createTestSponsor(platform, { channel: 'email', budgetMinor: 20000 });
      await order(
        iqpayOrderBody(fresh, { productCode: `${fresh.productCodes[0]},${fresh.productCodes[1]}` }),
        fresh.adminToken,
      );
      const tx = await http(
        platform.baseUrl,
        'GET',
        `/api/benefit-cards/programs/${fresh.programId}/budget/transactions`,
        {
          token: fresh.adminToken,
        },
      );
      expect(tx.body.items.map((t: { amountMinor: number }) => t.amountMinor).sort()).toEqual([
        -5000, -5000, 20000,
      ]);
      const program = await http(platform.baseUrl, 'GET', `/api/benefit-cards/programs/${fresh.programId}`, {
        token: fresh.adminToken,
      });
      expect(program.body.budget).toEqual({ balanceMinor: 10000, currency: 'USD' });
    });

    it('lets sponsor users read but not order or change', async () => {
      const res = await order(iqpayOrderBody(sponsor), sponsor.userToken);
      expect(res.status).toBe(403);
      const list = await http(platform.baseUrl, 'GET', '/api/benefit-cards/orders?limit=2', {
        token: sponsor.userToken,
      });
      expect(list.status).toBe(200);
      const card = await http(
        platform.baseUrl,
        'POST',
        `/api/benefit-cards/cards/${list.body.items[0].cards[0].id}/deactivate`,
        {
          token: sponsor.userToken,
          body: {},
        },
      );
      expect(card.status).toBe(403);
    });

    it('answers 401 without a token', async () => {
      expect((await http(platform.baseUrl, 'POST', CREATE, { body: iqpayOrderBody(sponsor) })).status).toBe(
        401,
      );
    });
  });

  describe('scheduled orders', () => {
    it('holds a future order without delivering, and cancelling refunds the budget', async () => {
      const fresh = await createTestSponsor(platform, { channel: 'email', budgetMinor: 10000 });
      const future = new Date(Date.now() + 86_400_000).toISOString();
      const res = await order(iqpayOrderBody(fresh, { processingDate: future }), fresh.adminToken);
      expect(res.status).toBe(200);
      const held = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${res.body.id}`, {
        token: fresh.userToken,
      });
      expect(held.body).toMatchObject({ status: 'scheduled', processingDate: future });
      expect(held.body.cards[0].deliveryStatus).toBe('not_sent');

      const byUser = await http(platform.baseUrl, 'POST', `/api/benefit-cards/orders/${res.body.id}/cancel`, {
        token: fresh.userToken,
      });
      expect(byUser.status).toBe(403);
      const cancelled = await http(
        platform.baseUrl,
        'POST',
        `/api/benefit-cards/orders/${res.body.id}/cancel`,
        { token: fresh.adminToken },
      );
      expect(cancelled.status).toBe(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect(cancelled.body.cards[0].status).toBe('deactivated');
      const program = await http(platform.baseUrl, 'GET', `/api/benefit-cards/programs/${fresh.programId}`, {
        token: fresh.adminToken,
      });
      expect(program.body.budget.balanceMinor).toBe(10000);
      const jobs = await platform.database.db
        .selectFrom('graphile_worker._private_jobs' as never)
        .select('key' as never)
        .where('key' as never, '=', `benefit-order:${res.body.id}` as never)
        .execute();
      expect(jobs).toEqual([]);
    });

    it('processes a past processingDate at once', async () => {
      const res = await order(iqpayOrderBody(sponsor, { processingDate: '2020-01-01T00:00:00Z' }));
      const read = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${res.body.id}`, {
        token: sponsor.userToken,
      });
      expect(read.body.status).toBe('processed');
    });

    it('does not cancel an order already processed', async () => {
      const res = await order(iqpayOrderBody(sponsor));
      const cancel = await http(platform.baseUrl, 'POST', `/api/benefit-cards/orders/${res.body.id}/cancel`, {
        token: sponsor.adminToken,
      });
      expect(cancel.status).toBe(409);
    });
  });

  describe('sponsor isolation', () => {
    it("never shows one sponsor another sponsor's orders, members or cards", async () => {
      const other = await createTestSponsor(platform, { channel: 'email' });
      const mine = await order(iqpayOrderBody(sponsor, { externalTransactionId: 'SHARED-TXN' }));
      const theirs = await order(
        iqpayOrderBody(other, { externalTransactionId: 'SHARED-TXN' }),
        other.adminToken,
      );
      expect(theirs.body.id).not.toBe(mine.body.id);

      const read = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${mine.body.id}`, {
        token: other.adminToken,
      });
      expect(read.status).toBe(404);
      const byTxn = await http(
        platform.baseUrl,
        'GET',
        '/api/benefit-cards/orders/by-external-transaction-id/SHARED-TXN',
        {
          token: other.userToken,
        },
      );
      expect(byTxn.body.id).toBe(theirs.body.id);
      const list = await http(platform.baseUrl, 'GET', '/api/benefit-cards/orders?limit=200', {
        token: other.adminToken,
      });
      expect(list.body.items.map((o: { id: number }) => o.id)).toEqual([theirs.body.id]);

      const myOrder = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${mine.body.id}`, {
        token: sponsor.adminToken,
      });
      const cardId = myOrder.body.cards[0].id;
      for (const action of ['resend', 'deactivate']) {
        const res = await http(platform.baseUrl, 'POST', `/api/benefit-cards/cards/${cardId}/${action}`, {
          token: other.adminToken,
          body: {},
        });
        expect(res.status).toBe(404);
      }
      const program = await http(
        platform.baseUrl,
        'GET',
        `/api/benefit-cards/programs/${sponsor.programId}`,
        { token: other.adminToken },
      );
      expect(program.status).toBe(404);
    });

    it('keeps program setup to operators', async () => {
      const res = await http(platform.baseUrl, 'POST', '/api/benefit-cards/sponsors', {
        token: sponsor.adminToken,
        body: { name: 'Mine' },
      });
      expect(res.status).toBe(403);
    });
  });

  describe('cards', () => {
    async function deliveredCode(): Promise<{ code: string; cardId: string; orderId: number }> {
      const res = await order(iqpayOrderBody(sponsor));
      const row = await platform.database.db
        .selectFrom('benefit_cards')
        .select(['id', 'activation_code'])
        .where('order_id', '=', res.body.id)
        .executeTakeFirstOrThrow();
      return { code: row.activation_code, cardId: row.id, orderId: res.body.id };
    }

    it('generates codes in the documented shape from the unambiguous alphabet', () => {
      const codes = new Set(Array.from({ length: 500 }, generateActivationCode));
      expect(codes.size).toBe(500);
      for (const code of codes) {
        expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){4}$/);
        for (const symbol of code.replace(/-/g, '')) expect(ACTIVATION_CODE_ALPHABET).toContain(symbol);
      }
      expect(ACTIVATION_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    });

    it('activates once: unknown is a 404, used is a 409', async () => {
      const { code, orderId } = await deliveredCode();
      const first = await http(platform.baseUrl, 'POST', `/api/cards/${code}/activate`);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'active', faceValueMinor: 5000, currency: 'USD' });
      const again = await http(platform.baseUrl, 'POST', `/api/cards/${code}/activate`);
      expect(again.status).toBe(409);
      const unknown = await http(platform.baseUrl, 'POST', '/api/cards/AAAA-AAAA-AAAA-AAAA-AAAA/activate');
      expect(unknown.status).toBe(404);
      const read = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${orderId}`, {
        token: sponsor.userToken,
      });
      expect(read.body.cards[0].events.map((e: { type: string }) => e.type)).toEqual(['issued', 'activated']);
    });

    it('deactivates a card (audited) so it cannot be activated', async () => {
      const { code, cardId } = await deliveredCode();
      const res = await http(platform.baseUrl, 'POST', `/api/benefit-cards/cards/${cardId}/deactivate`, {
        token: sponsor.adminToken,
        body: { reason: 'lost' },
      });
      expect(res.status).toBe(200);
      expect(res.body.cards[0].status).toBe('deactivated');
      expect(res.body.cards[0].events.at(-1)).toMatchObject({ type: 'deactivated', detail: 'lost' });
      expect((await http(platform.baseUrl, 'POST', `/api/cards/${code}/activate`)).status).toBe(409);
    });

    it('replaces a card not activated yet: new code, same value, the old one dead, the budget untouched', async () => {
      const { code, cardId, orderId } = await deliveredCode();
      const budget = async () =>
        (
          await platform.database.db
            .selectFrom('benefit_programs')
            .select('budget_balance_minor')
            .where('id', '=', sponsor.programId)
            .executeTakeFirstOrThrow()
        ).budget_balance_minor;
      const before = await budget();
      const res = await http(platform.baseUrl, 'POST', `/api/benefit-cards/cards/${cardId}/replace`, {
        token: sponsor.adminToken,
        body: { reason: 'link forwarded' },
      });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(orderId);
      const [old, replacement] = res.body.cards;
      expect(old).toMatchObject({ id: cardId, status: 'replaced', replacesCardId: null });
      expect(old.events.at(-1)).toMatchObject({
        type: 'replaced',
        detail: `by card ${replacement.id}: link forwarded`,
      });
      expect(replacement).toMatchObject({
        status: 'pending_activation',
        deliveryStatus: 'pending',
        faceValueMinor: old.faceValueMinor,
        replacesCardId: cardId,
        events: [expect.objectContaining({ type: 'issued', detail: `replaces card ${cardId}` })],
      });
      expect(await budget()).toBe(before);

      expect((await http(platform.baseUrl, 'POST', `/api/cards/${code}/activate`)).status).toBe(409);
      const newCode = await platform.database.db
        .selectFrom('benefit_cards')
        .select('activation_code')
        .where('id', '=', replacement.id)
        .executeTakeFirstOrThrow();
      expect(newCode.activation_code).not.toBe(code);
      expect(
        (await http(platform.baseUrl, 'POST', `/api/cards/${newCode.activation_code}/activate`)).status,
      ).toBe(200);

      const again = await http(platform.baseUrl, 'POST', `/api/benefit-cards/cards/${cardId}/replace`, {
        token: sponsor.adminToken,
        body: {},
      });
      expect(again.status).toBe(409);
      const active = await http(
        platform.baseUrl,
        'POST',
        `/api/benefit-cards/cards/${replacement.id}/replace`,
        {
          token: sponsor.adminToken,
          body: {},
        },
      );
      expect(active.status).toBe(409);
      expect(active.body.detail).toContain('An activated card can only be deactivated.');
      const readOnly = await http(
        platform.baseUrl,
        'POST',
        `/api/benefit-cards/cards/${replacement.id}/replace`,
        {
          token: sponsor.userToken,
          body: {},
        },
      );
      expect(readOnly.status).toBe(403);
    });

    it('resends a card to the same member, audited as a card event', async () => {
      const { cardId } = await deliveredCode();
      const res = await http(platform.baseUrl, 'POST', `/api/benefit-cards/cards/${cardId}/resend`, {
        token: sponsor.adminToken,
        body: {},
      });
      expect(res.status).toBe(200);
      expect(res.body.cards[0].events.map((e: { type: string }) => e.type)).toEqual(['issued', 'resent']);
      const deliveries = await platform.database.db
        .selectFrom('benefit_card_deliveries')
        .select('id')
        .where('card_id', '=', cardId)
        .execute();
      expect(deliveries).toHaveLength(2);
    });
  });

  it('serves both contract paths in the OpenAPI document', async () => {
    const doc = await http(platform.baseUrl, 'GET', '/api/openapi.json');
    expect(doc.body.paths['/identity/Auth/SignIn'].post).toBeDefined();
    expect(doc.body.paths[CREATE].post).toBeDefined();
  });
});
