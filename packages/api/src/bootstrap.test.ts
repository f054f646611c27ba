import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAINS } from './domains';
import { ACTIONS, RESOURCE_NAMES } from './domains/rbac/catalogue';
import { domainRoleDefaults } from './platform/registry';
import { preparePlatform } from './bootstrap';
import { createTestPlatform, http, type TestPlatform } from './testing';

describe('first start', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('creates the platform admin from IPAY_ADMIN_EMAIL/IPAY_ADMIN_PASSWORD once, who can then sign in', async () => {
    const config = {
      ...platform.config,
      initialAdmin: { email: 'Root@IPAY.example', password: 'first start passphrase' },
    };
    expect(await preparePlatform(platform.database.db, { ...platform.config, initialAdmin: undefined })).toBe(
      'not-configured',
    );
    expect(await preparePlatform(platform.database.db, config)).toBe('created');
    expect(await preparePlatform(platform.database.db, config)).toBe('exists');
    const login = await http(platform.baseUrl, 'POST', '/api/auth/login', {
      body: { email: 'root@ipay.example', password: 'first start passphrase' },
    });
    expect(login.status).toBe(200);
    expect(login.body.user.roles.map((r: { key: string }) => r.key)).toEqual(['platform_admin']);
    expect(login.body.user.organization.type).toBe('operator');
  });

  it('refuses an initial admin password that breaks the policy', async () => {
    const fresh = await createTestPlatform();
    try {
      const config = { ...fresh.config, initialAdmin: { email: 'root@ipay.example', password: 'short' } };
      await expect(preparePlatform(fresh.database.db, config)).rejects.toThrow(
        'password must be at least 10 characters',
      );
    } finally {
      await fresh.close();
    }
  });

  it('resets every system role to its declared defaults on each start (issue #10: changed defaults reach existing installations)', async () => {
    const { db } = platform.database;
    const adminRole = await db
      .selectFrom('roles')
      .select('id')
      .where('system_key', '=', 'platform_admin')
      .executeTakeFirstOrThrow();
    const clerkRole = await db
      .selectFrom('roles')
      .select('id')
      .where('system_key', '=', 'merchant_user')
      .executeTakeFirstOrThrow();
    await db.deleteFrom('role_permissions').where('role_id', 'in', [adminRole.id, clerkRole.id]).execute();
    await preparePlatform(db, platform.config);
    const count = async (roleId: string) =>
      (await db.selectFrom('role_permissions').select('resource').where('role_id', '=', roleId).execute())
        .length;
    // The platform admin holds every action on every resource.
    expect(await count(adminRole.id)).toBe(RESOURCE_NAMES.length * ACTIONS.length);
    expect(await count(clerkRole.id)).toBe(domainRoleDefaults(DOMAINS).merchant_user.length);
  });
});
