import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestSponsor,
  http,
  iqpayOrderBody,
  TEST_PASSWORD,
  type TestPlatform,
  type TestSponsorSetup,
} from '../../testing';

const CREATE_ORDER = '/organization/Sponsor/Order/CreateOrderWithMember';

interface Account {
  id: string;
  username: string | null;
  status: 'active' | 'disabled';
  roles: Array<{ key: string | null }>;
}

describe('benefit cards: operators manage sponsors, sponsor users and programs', () => {
  let platform: TestPlatform;
  let a: TestSponsorSetup;
  let b: TestSponsorSetup;

  beforeAll(async () => {
    platform = await createTestPlatform({
      env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', LOGIN_RATE_LIMIT: '1000' },
    });
    a = await createTestSponsor(platform, { channel: 'email' });
    b = await createTestSponsor(platform, { channel: 'email' });
  });
  afterAll(() => platform.close());

  const get = (path: string, token: string) => http(platform.baseUrl, 'GET', path, { token });
  const post = (path: string, token: string, body: unknown = {}) =>
    http(platform.baseUrl, 'POST', path, { token, body });
  const patchProgram = (programId: string, body: unknown, token = a.operatorToken) =>
    http(platform.baseUrl, 'PATCH', `/api/benefit-cards/programs/${programId}`, { token, body });
  const signIn = (username: string) =>
    http(platform.baseUrl, 'POST', '/identity/Auth/SignIn', { body: { username, password: TEST_PASSWORD } });
  const eventsOf = (resourceId: string) =>
    platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'actor_user_id', 'payload'])
      .where('resource_id', '=', resourceId)
      .orderBy('sequence')
      .execute();

  async function accountsOf(setup: TestSponsorSetup): Promise<Account[]> {
    const res = await get(
      `/api/benefit-cards/sponsor-users?organizationId=${setup.organizationId}`,
      setup.operatorToken,
    );
    return res.body.items;
  }
  async function userIdOf(setup: TestSponsorSetup, username: string): Promise<string> {
    const account = (await accountsOf(setup)).find((u) => u.username === username);
    if (!account) throw new Error(`no account ${username}`);
    return account.id;
  }

  describe('sponsors', () => {
    it('lists sponsors by name, a page at a time, searching part of the name in any case', async () => {
      const tag = randomBytes(4).toString('hex');
      for (const name of [`Zeta College ${tag}`, `Alpha University ${tag}`, `Mid Agency ${tag}`]) {
        expect((await post('/api/benefit-cards/sponsors', a.operatorToken, { name })).status).toBe(200);
      }
      const first = await get(`/api/benefit-cards/sponsors?q=${tag.toUpperCase()}&limit=2`, a.operatorToken);
      expect(first.status).toBe(200);
      expect(first.body.items.map((s: { name: string }) => s.name)).toEqual([
        `Alpha University ${tag}`,
        `Mid Agency ${tag}`,
      ]);
      expect(first.body.items[0]).toEqual({
        id: expect.any(String),
        name: expect.any(String),
        createdAt: expect.any(String),
      });
      const second = await get(
        `/api/benefit-cards/sponsors?q=${tag}&limit=2&cursor=${first.body.nextCursor}`,
        a.operatorToken,
      );
      expect(second.body).toEqual({
        items: [expect.objectContaining({ name: `Zeta College ${tag}` })],
        nextCursor: null,
      });

      const all = await get('/api/benefit-cards/sponsors?limit=200', a.operatorToken);
      expect(all.body.items.map((s: { id: string }) => s.id)).toEqual(
        expect.arrayContaining([a.organizationId, b.organizationId]),
      );
      // The search text is literal: a `%` matches only a `%`.
      expect((await get('/api/benefit-cards/sponsors?q=%25', a.operatorToken)).body.items).toEqual([]);
      const badCursor = await get('/api/benefit-cards/sponsors?cursor=nonsense', a.operatorToken);
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.errors[0].field).toBe('cursor');
    });

    it('keeps the sponsor list to operators', async () => {
      expect((await get('/api/benefit-cards/sponsors', a.adminToken)).status).toBe(403);
      expect((await get('/api/benefit-cards/sponsors', a.userToken)).status).toBe(403);
    });

    it("shows a sponsor to operators and its own users, and another sponsor's as not found", async () => {
      const path = `/api/benefit-cards/sponsors/${a.organizationId}`;
      for (const token of [a.operatorToken, a.adminToken, a.userToken]) {
        const res = await get(path, token);
        expect(res.status).toBe(200);
        expect(res.body.id).toBe(a.organizationId);
      }
      expect((await get(path, b.adminToken)).status).toBe(404);
      expect((await get(path, b.userToken)).status).toBe(404);
      expect((await get(`/api/benefit-cards/sponsors/${randomUUID()}`, a.operatorToken)).status).toBe(404);
      const merchant = await createTestMerchant(platform);
      const notASponsor = await get(
        `/api/benefit-cards/sponsors/${merchant.user.organization.id}`,
        a.operatorToken,
      );
      expect(notASponsor.status).toBe(404);
    });
  });

  describe('sponsor users', () => {
    it('creates sponsor users through the one user-creation path: a taken username or e-mail is a 409 naming it, nothing written', async () => {
      // A sponsor of its own: the other tests count a's and b's users.
      const s = await createTestSponsor(platform, { channel: 'email' });
      const merchant = await createTestMerchant(platform);
      const user = (username: string, email: string) =>
        post('/api/benefit-cards/sponsor-users', s.operatorToken, {
          organizationId: s.organizationId,
          username,
          password: TEST_PASSWORD,
          name: 'Sam',
          email,
          role: 'sponsor_user',
        });
      const sameUsername = await user(s.userUsername, 'someone-new@example.test');
      expect(sameUsername.status).toBe(409);
      expect(sameUsername.body).toMatchObject({ code: 'username_taken', errors: [{ field: 'username' }] });
      // A merchant's e-mail address counts too: one uniqueness rule for every account.
      const merchantEmail = await user('fresh-username', merchant.user.email);
      expect(merchantEmail.status).toBe(409);
      expect(merchantEmail.body).toMatchObject({ code: 'email_taken', errors: [{ field: 'email' }] });
      const written = await platform.database.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', 'fresh-username')
        .execute();
      expect(written).toEqual([]);
      const created = await user('fresh-username', 'fresh@example.test');
      expect(created.status).toBe(200);
      expect(await eventsOf(created.body.id)).toEqual([
        expect.objectContaining({
          type: 'user.created',
          actor_user_id: expect.any(String),
          payload: { email: 'fresh@example.test', systemRole: 'sponsor_user' },
        }),
      ]);
    });

    it('lists a sponsor’s users with roles and status for operators, a page at a time, never a password hash', async () => {
      const first = await get(
        `/api/benefit-cards/sponsor-users?organizationId=${a.organizationId}&limit=1`,
        a.operatorToken,
      );
      expect(first.status).toBe(200);
      expect(first.body.items).toEqual([
        {
          id: expect.any(String),
          organizationId: a.organizationId,
          username: a.adminUsername,
          email: `${a.adminUsername}@example.test`,
          name: a.adminUsername,
          roles: [{ id: expect.any(String), key: 'sponsor_admin', name: 'Sponsor admin' }],
          status: 'active',
          createdAt: expect.any(String),
          lastLoginAt: expect.any(String),
        },
      ]);
      const second = await get(
        `/api/benefit-cards/sponsor-users?organizationId=${a.organizationId}&limit=1&cursor=${first.body.nextCursor}`,
        a.operatorToken,
      );
      expect(second.body.items.map((u: Account) => [u.username, u.roles[0]?.key])).toEqual([
        [a.userUsername, 'sponsor_user'],
      ]);
      expect(second.body.nextCursor).toBeNull();
      const everyone = await get('/api/benefit-cards/sponsor-users?limit=200', a.operatorToken);
      const usernames = everyone.body.items.map((u: Account) => u.username);
      expect(usernames).toEqual(expect.arrayContaining([a.adminUsername, b.adminUsername]));
      expect(JSON.stringify(everyone.body)).not.toMatch(/password|scrypt|argon/i);
    });

    it("shows a sponsor admin their own organization's users only, and a sponsor user only themselves", async () => {
      const mine = await get('/api/benefit-cards/sponsor-users', a.adminToken);
      expect(mine.body.items.map((u: Account) => u.username).sort()).toEqual(
        [a.adminUsername, a.userUsername].sort(),
      );
      const theirs = await get(
        `/api/benefit-cards/sponsor-users?organizationId=${b.organizationId}`,
        a.adminToken,
      );
      expect(theirs.status).toBe(200);
      expect(theirs.body.items).toEqual([]);
      const self = await get('/api/benefit-cards/sponsor-users', a.userToken);
      expect(self.body.items.map((u: Account) => u.username)).toEqual([a.userUsername]);
    });

    it('disables a user: no sign-in, the earlier token refused for good; enabling restores sign-in; each change audited once', async () => {
      const s = await createTestSponsor(platform, { channel: 'email' });
      const userId = await userIdOf(s, s.userUsername);
      const orders = () => get('/api/benefit-cards/orders', s.userToken);
      expect((await orders()).status).toBe(200);

      const disabled = await post(`/api/benefit-cards/sponsor-users/${userId}/disable`, s.adminToken);
      expect(disabled.status).toBe(200);
      expect(disabled.body).toMatchObject({ id: userId, username: s.userUsername, status: 'disabled' });
      const again = await post(`/api/benefit-cards/sponsor-users/${userId}/disable`, s.adminToken);
      expect(again.status).toBe(200);
      expect(again.body.status).toBe('disabled');

      expect((await orders()).status).toBe(401);
      const refused = await signIn(s.userUsername);
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toBe('The username or password is incorrect.');
      expect((await accountsOf(s)).find((u) => u.id === userId)?.status).toBe('disabled');

      const enabled = await post(`/api/benefit-cards/sponsor-users/${userId}/enable`, s.operatorToken);
      expect(enabled.status).toBe(200);
      expect(enabled.body.status).toBe('active');
      expect((await post(`/api/benefit-cards/sponsor-users/${userId}/enable`, s.operatorToken)).status).toBe(
        200,
      );
      expect((await orders()).status).toBe(401);
      const signedIn = await signIn(s.userUsername);
      expect(signedIn.status).toBe(200);
      const fresh = await get('/api/benefit-cards/orders', signedIn.body.token);
      expect(fresh.status).toBe(200);

      const events = await eventsOf(userId);
      expect(events.map((e) => e.type)).toEqual([
        'user.created',
        'sponsor_user.disabled',
        'sponsor_user.enabled',
      ]);
      expect(events[0]?.payload).toMatchObject({ systemRole: 'sponsor_user' });
      expect(events[1]?.payload).toEqual({ username: s.userUsername, from: 'active', to: 'disabled' });
    });

    it('does not let a sponsor admin disable themselves', async () => {
      const s = await createTestSponsor(platform, { channel: 'email' });
      const adminId = await userIdOf(s, s.adminUsername);
      const res = await post(`/api/benefit-cards/sponsor-users/${adminId}/disable`, s.adminToken);
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await get('/api/benefit-cards/orders', s.adminToken)).status).toBe(200);
      // Only its creation: the refused disable recorded nothing.
      expect((await eventsOf(adminId)).map((e) => e.type)).toEqual(['user.created']);
    });

    it("hides another sponsor's users: disabling, enabling or listing them is not found", async () => {
      const victim = await userIdOf(a, a.userUsername);
      for (const action of ['disable', 'enable']) {
        const res = await post(`/api/benefit-cards/sponsor-users/${victim}/${action}`, b.adminToken);
        expect(res.status).toBe(404);
      }
      const merchant = await createTestMerchant(platform);
      expect((await post(`/api/benefit-cards/sponsor-users/${victim}/disable`, merchant.token)).status).toBe(
        404,
      );
      expect((await get('/api/benefit-cards/sponsor-users', merchant.token)).body.items).toEqual([]);
      const unknown = await post(`/api/benefit-cards/sponsor-users/${randomUUID()}/disable`, a.operatorToken);
      expect(unknown.status).toBe(404);
      expect((await get('/api/benefit-cards/orders', a.userToken)).status).toBe(200);
    });

    it('keeps sponsor users read-only: no disabling, no program changes', async () => {
      const adminId = await userIdOf(a, a.adminUsername);
      expect((await post(`/api/benefit-cards/sponsor-users/${adminId}/disable`, a.userToken)).status).toBe(
        403,
      );
      expect((await patchProgram(a.programId, { name: 'Mine now' }, a.userToken)).status).toBe(403);
      expect((await get(`/api/benefit-cards/programs/${a.programId}`, a.userToken)).status).toBe(200);
    });
  });

  describe('program changes', () => {
    const fieldsOf = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

    it('changes the name and the externalId rule, each alone, and audits before and after', async () => {
      const s = await createTestSponsor(platform, { channel: 'email' });
      const renamed = await patchProgram(s.programId, { name: 'Autumn relief' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({
        name: 'Autumn relief',
        externalIdRequired: false,
        active: true,
        deliveryChannel: 'email',
        productCodes: s.productCodes.slice().sort(),
      });
      const strict = await patchProgram(s.programId, { externalIdRequired: true });
      expect(strict.body).toMatchObject({ name: 'Autumn relief', externalIdRequired: true });
      const order = await http(platform.baseUrl, 'POST', CREATE_ORDER, {
        token: s.adminToken,
        body: iqpayOrderBody(s, { externalId: undefined }),
      });
      expect(fieldsOf(order.body)).toEqual(['externalId']);

      const events = await eventsOf(s.programId);
      expect(events.map((e) => e.type)).toEqual(['benefit_program.updated', 'benefit_program.updated']);
      expect(events[0]?.payload).toMatchObject({
        code: s.programCode,
        changes: { name: { from: `Program ${s.programCode.slice(4)}`, to: 'Autumn relief' } },
      });
      expect(events[1]?.payload).toMatchObject({
        changes: { externalIdRequired: { from: false, to: true } },
      });
      // The same values again change nothing and record nothing.
      expect((await patchProgram(s.programId, { name: 'Autumn relief' })).status).toBe(200);
      expect(await eventsOf(s.programId)).toHaveLength(2);
    });

    it('replaces the product list, refusing unknown products and another currency by name', async () => {
      const s = await createTestSponsor(platform, { channel: 'email' });
      const [food, transit] = s.productCodes;
      const replaced = await patchProgram(s.programId, { productCodes: [transit] });
      expect(replaced.status).toBe(200);
      expect(replaced.body.productCodes).toEqual([transit]);
      const outside = await http(platform.baseUrl, 'POST', CREATE_ORDER, {
        token: s.adminToken,
        body: iqpayOrderBody(s, { productCode: food }),
      });
      expect(outside.body.errors[0]).toMatchObject({ field: 'productCode', code: 'not_in_program' });

      const unknown = await patchProgram(s.programId, { productCodes: [transit, 'NO-SUCH-PRODUCT'] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0]).toMatchObject({ field: 'productCodes', code: 'not_found' });
      const euroCode = `EUR-${randomBytes(3).toString('hex')}`;
      await post('/api/benefit-cards/products', s.operatorToken, {
        code: euroCode,
        name: 'Euro card',
        category: 'food',
        cardProvider: 'Prepaid Co',
        faceValueMinor: 5000,
        currency: 'EUR',
      });
      const euro = await patchProgram(s.programId, { productCodes: [transit, euroCode] });
      expect(euro.status).toBe(400);
      expect(euro.body.errors[0]).toMatchObject({ field: 'productCodes', code: 'currency_mismatch' });
      const invalid = await patchProgram(s.programId, { productCodes: [] });
      expect(fieldsOf(invalid.body)).toEqual(['productCodes']);

      const read = await get(`/api/benefit-cards/programs/${s.programId}`, s.adminToken);
      expect(read.body.productCodes).toEqual([transit]);
    });

    it('changes a webhook program’s URL, refusing a bad one and a URL for another channel', async () => {
      const hooked = await createTestSponsor(platform, {
        channel: 'webhook',
        webhookUrl: 'http://127.0.0.1:9/a',
      });
      const moved = await patchProgram(hooked.programId, { webhookUrl: 'http://127.0.0.1:9/b' });
      expect(moved.status).toBe(200);
      expect(moved.body.webhookUrl).toBe('http://127.0.0.1:9/b');
      expect(moved.body).not.toHaveProperty('webhookSecret');

      for (const webhookUrl of ['not a url', 'ftp://hooks.example/b', 'https://user:pw@hooks.example/b']) {
        const bad = await patchProgram(hooked.programId, { webhookUrl });
        expect(bad.status).toBe(400);
        expect(fieldsOf(bad.body)).toEqual(['webhookUrl']);
      }
      const notWebhook = await patchProgram(a.programId, { webhookUrl: 'http://127.0.0.1:9/c' });
      expect(notWebhook.status).toBe(400);
      expect(notWebhook.body.errors[0]).toMatchObject({ field: 'webhookUrl', code: 'not_webhook_program' });
      expect(
        (await get(`/api/benefit-cards/programs/${a.programId}`, a.adminToken)).body.webhookUrl,
      ).toBeNull();
    });

    it('refuses a private webhook URL as creation does when private URLs are not allowed', async () => {
      const strict = await createTestPlatform({ env: { LOGIN_RATE_LIMIT: '1000' } });
      try {
        // A literal public address: checked without DNS, never called in this test.
        const s = await createTestSponsor(strict, {
          channel: 'webhook',
          webhookUrl: 'https://93.184.215.14/hooks',
        });
        // Loopback written plainly, as an IPv4-embedding IPv6 address, and as NAT64.
        for (const webhookUrl of [
          'http://127.0.0.1:9/hooks',
          'http://[::127.0.0.1]:9/hooks',
          'http://[64:ff9b::7f00:1]:9/hooks',
        ]) {
          const res = await http(strict.baseUrl, 'PATCH', `/api/benefit-cards/programs/${s.programId}`, {
            token: s.operatorToken,
            body: { webhookUrl },
          });
          expect(res.status).toBe(400);
          expect(fieldsOf(res.body)).toEqual(['webhookUrl']);
        }
      } finally {
        await strict.close();
      }
    });

    it('refuses a delivery channel change and an empty change with 400s, and nothing changes', async () => {
      const channel = await patchProgram(a.programId, { deliveryChannel: 'sms', name: 'Sneaky' });
      expect(channel.status).toBe(400);
      expect(channel.headers.get('content-type')).toContain('application/problem+json');
      expect(channel.body.errors).toEqual([
        expect.objectContaining({
          field: 'deliveryChannel',
          message: expect.stringContaining('cannot be changed'),
        }),
      ]);
      const empty = await patchProgram(a.programId, {});
      expect(empty.status).toBe(400);
      expect(empty.body.errors[0].message).toContain('names nothing to change');
      const read = await get(`/api/benefit-cards/programs/${a.programId}`, a.adminToken);
      expect(read.body).toMatchObject({
        deliveryChannel: 'email',
        name: expect.not.stringContaining('Sneaky'),
      });
    });

    it('keeps program changes to operators and answers 404 for an unknown program', async () => {
      expect((await patchProgram(a.programId, { name: 'Ours' }, a.adminToken)).status).toBe(403);
      expect((await patchProgram(randomUUID(), { name: 'Nobody' })).status).toBe(404);
    });

    it('archives a program so it takes no new orders, and restoring takes them again', async () => {
      const s = await createTestSponsor(platform, { channel: 'email', budgetMinor: 20000 });
      const order = (body: Record<string, unknown>) =>
        http(platform.baseUrl, 'POST', CREATE_ORDER, { token: s.adminToken, body });
      const before = iqpayOrderBody(s);
      const first = await order(before);
      expect(first.status).toBe(200);

      const archived = await patchProgram(s.programId, { active: false });
      expect(archived.body.active).toBe(false);
      const refused = await order(iqpayOrderBody(s));
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        { field: 'programCode', message: 'is archived', code: 'program_archived' },
      ]);
      expect(refused.body.detail).toContain('archived');
      // A retry of an order placed before archiving still gets its answer, and nothing is issued.
      expect((await order(before)).body.id).toBe(first.body.id);
      const program = await get(`/api/benefit-cards/programs/${s.programId}`, s.userToken);
      expect(program.body).toMatchObject({ active: false, budget: { balanceMinor: 15000 } });
      const listed = await get(
        `/api/benefit-cards/programs?organizationId=${s.organizationId}`,
        s.operatorToken,
      );
      expect(listed.body.items.map((p: { active: boolean }) => p.active)).toEqual([false]);

      expect((await patchProgram(s.programId, { active: true })).body.active).toBe(true);
      expect((await order(iqpayOrderBody(s))).status).toBe(200);
      const events = await eventsOf(s.programId);
      expect(events.map((e) => (e.payload as { changes: { active: unknown } }).changes.active)).toEqual([
        { from: true, to: false },
        { from: false, to: true },
      ]);
    });
  });
});
