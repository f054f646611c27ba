import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequestContext, type AppDeps } from '../../context';
import { buildServer } from '../../http/server';
import { appRouter } from '../../router';
import {
  createTestMerchant,
  createTestPlatform,
  createTestUser,
  http,
  problemOf,
  TEST_PASSWORD,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from './schemas';
import { ActorCache } from './actor-cache';

/** Long enough that only an invalidation, never the TTL, can make a cached actor go within a test. */
const LONG_TTL = { ACTOR_CACHE_TTL_SECONDS: '300' };

describe('cached actors: who a token speaks for, and how soon a change takes access away', () => {
  let platform: TestPlatform;
  let admin: AuthSession;

  beforeAll(async () => {
    platform = await createTestPlatform({ env: LONG_TTL });
    admin = await createTestMerchant(platform);
  });
  afterAll(() => platform.close());

  const listOrders = (baseUrl: string, token: string) =>
    http(baseUrl, 'GET', '/api/orders?limit=1', { token }).then((res) => res.status);
  const member = () => createTestUser(platform, admin.user.organization.id, ['merchant_user']);

  /** A role of the admin's organization that grants only reading orders, held by a new member alone. */
  async function memberWithReaderRole() {
    const role = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: admin.token,
      body: {
        name: `Reader ${randomBytes(3).toString('hex')}`,
        permissions: [{ resource: 'orders', action: 'read', scope: 'organization' }],
      },
    });
    expect(role.status).toBe(200);
    const user = await createTestUser(platform, admin.user.organization.id, []);
    const assigned = await http(platform.baseUrl, 'PUT', `/api/members/${user.userId}/roles`, {
      token: admin.token,
      body: { roleIds: [role.body.id] },
    });
    expect(assigned.status).toBe(200);
    return { ...user, roleId: role.body.id as string };
  }

  /** Another API process on the same database: its own cache, and its server listening for changes. */
  async function secondProcess(): Promise<{ baseUrl: string; server: FastifyInstance }> {
    const deps: AppDeps = { ...platform.deps, actors: new ActorCache({ ttlSeconds: 300, maxEntries: 100 }) };
    const server = await buildServer(deps);
    return { server, baseUrl: await server.listen({ host: '127.0.0.1', port: 0 }) };
  }

  describe('in the process that made the change: refused at once', () => {
    // Deaf to the database's notifications, so that only the process's own invalidation can refuse in time.
    beforeAll(() => platform.deps.actors.stop());

    it('a disabled member', async () => {
      const user = await member();
      expect(await listOrders(platform.baseUrl, user.token)).toBe(200);
      const disabled = await http(platform.baseUrl, 'POST', `/api/members/${user.userId}/disable`, {
        token: admin.token,
      });
      expect(disabled.status).toBe(200);
      const res = await http(platform.baseUrl, 'GET', '/api/orders', { token: user.token });
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe('This account no longer exists or is disabled.');
    });

    it('a removed member', async () => {
      const user = await member();
      expect(await listOrders(platform.baseUrl, user.token)).toBe(200);
      const removed = await http(platform.baseUrl, 'DELETE', `/api/members/${user.userId}`, {
        token: admin.token,
      });
      expect(removed.status).toBe(200);
      expect(await listOrders(platform.baseUrl, user.token)).toBe(401);
    });

    it('a member whose roles no longer grant the permission', async () => {
      const user = await memberWithReaderRole();
      expect(await listOrders(platform.baseUrl, user.token)).toBe(200);
      const emptyRole = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
        token: admin.token,
        body: { name: `Nothing ${randomBytes(3).toString('hex')}` },
      });
      expect(emptyRole.status).toBe(200);
      const changed = await http(platform.baseUrl, 'PUT', `/api/members/${user.userId}/roles`, {
        token: admin.token,
        body: { roleIds: [emptyRole.body.id] },
      });
      expect(changed.status).toBe(200);
      expect(await listOrders(platform.baseUrl, user.token)).toBe(403);
    });

    it("an edit of the member's role that takes the permission away", async () => {
      const user = await memberWithReaderRole();
      expect(await listOrders(platform.baseUrl, user.token)).toBe(200);
      const edited = await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${user.roleId}/permissions`, {
        token: admin.token,
        body: { permissions: [{ resource: 'orders', action: 'create', scope: 'organization' }] },
      });
      expect(edited.status).toBe(200);
      expect(await listOrders(platform.baseUrl, user.token)).toBe(403);
    });

    it('a token signed out everywhere', async () => {
      const user = await member();
      expect(await listOrders(platform.baseUrl, user.token)).toBe(200);
      const out = await http(platform.baseUrl, 'POST', '/api/auth/sign-out-everywhere', {
        token: user.token,
      });
      expect(out.status).toBe(200);
      expect(await listOrders(platform.baseUrl, user.token)).toBe(401);
    });

    it('a token issued before a password change; the new session works', async () => {
      const user = await member();
      expect(await listOrders(platform.baseUrl, user.token)).toBe(200);
      const changed = await http(platform.baseUrl, 'POST', '/api/auth/password', {
        token: user.token,
        body: { currentPassword: TEST_PASSWORD, newPassword: 'another long secret phrase' },
      });
      expect(changed.status).toBe(200);
      expect(await listOrders(platform.baseUrl, user.token)).toBe(401);
      expect(await listOrders(platform.baseUrl, changed.body.token as string)).toBe(200);
    });

    it('in-process callers too: the tRPC caller shares the process cache', async () => {
      const user = await member();
      await platform.caller({ token: user.token }).orders.list({ limit: 1 });
      await platform.caller({ token: admin.token }).auth.members.disable({ id: user.userId });
      expect(await problemOf(platform.caller({ token: user.token }).orders.list({ limit: 1 }))).toMatchObject(
        {
          status: 401,
        },
      );
    });
  });

  describe('in another API process on the same database', () => {
    it('a disabled member is refused once the database announces the change', async () => {
      const other = await secondProcess();
      try {
        const user = await member();
        expect(await listOrders(other.baseUrl, user.token)).toBe(200);
        await http(platform.baseUrl, 'POST', `/api/members/${user.userId}/disable`, { token: admin.token });
        // The other process's TTL is 300 s: only the notification can refuse the cached member this soon.
        await vi.waitFor(async () => expect(await listOrders(other.baseUrl, user.token)).toBe(401));
      } finally {
        await other.server.close();
      }
    });

    it('a role permission edit reaches every user of the role', async () => {
      const other = await secondProcess();
      try {
        const user = await memberWithReaderRole();
        expect(await listOrders(other.baseUrl, user.token)).toBe(200);
        await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${user.roleId}/permissions`, {
          token: admin.token,
          body: { permissions: [] },
        });
        await vi.waitFor(async () => expect(await listOrders(other.baseUrl, user.token)).toBe(403));
      } finally {
        await other.server.close();
      }
    });

    it('a change made outside the API (SQL by hand) is announced too', async () => {
      const other = await secondProcess();
      try {
        const user = await member();
        expect(await listOrders(other.baseUrl, user.token)).toBe(200);
        await platform.database.db
          .updateTable('users')
          .set({ status: 'disabled' })
          .where('id', '=', user.userId)
          .execute();
        await vi.waitFor(async () => expect(await listOrders(other.baseUrl, user.token)).toBe(401));
      } finally {
        await other.server.close();
      }
    });

    it('with every notification lost, a disabled member is refused once the TTL has passed', async () => {
      let now = Date.now();
      // No listener: this process hears of nothing, and its clock is the test's.
      const deps: AppDeps = {
        ...platform.deps,
        actors: new ActorCache({ ttlSeconds: 10, maxEntries: 100, now: () => now }),
      };
      const list = (token: string) =>
        appRouter
          .createCaller(
            createRequestContext(deps, {
              traceId: 'test-ttl',
              ip: '127.0.0.1',
              headers: { authorization: `Bearer ${token}` },
              logger: deps.logger,
            }),
          )
          .orders.list({ limit: 1 });
      const user = await member();
      await list(user.token);
      await http(platform.baseUrl, 'POST', `/api/members/${user.userId}/disable`, { token: admin.token });
      // The documented bound: within the TTL, a process that heard nothing still answers from its cache…
      now += 9_999;
      await expect(list(user.token)).resolves.toMatchObject({ items: [] });
      // …and not after it.
      now += 2;
      expect(await problemOf(list(user.token))).toMatchObject({ status: 401 });
    });
  });

  it('holds at most its configured number of users, dropping the longest held', async () => {
    const cache = new ActorCache({ ttlSeconds: 300, maxEntries: 2 });
    const users = await Promise.all([member(), member(), member()]);
    const claimsOf = (user: { userId: string }) => ({
      userId: user.userId,
      organizationId: admin.user.organization.id,
      issuedAt: Math.floor(Date.now() / 1000),
    });
    for (const user of users) {
      expect(await cache.actorFor(platform.database.db, claimsOf(user))).toMatchObject({
        userId: user.userId,
      });
    }
    expect(cache.size).toBe(2);
  });

  it('with a TTL of 0 holds nothing: every request reads the database', async () => {
    const cache = new ActorCache({ ttlSeconds: 0, maxEntries: 100 });
    const user = await member();
    await cache.actorFor(platform.database.db, {
      userId: user.userId,
      organizationId: admin.user.organization.id,
      issuedAt: Math.floor(Date.now() / 1000),
    });
    expect(cache.size).toBe(0);
  });
});
