import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestOrganization,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  type TestPlatform,
} from '../../testing';
import { RESOURCE_NAMES } from './catalogue';
import { SYSTEM_ROLE_KEYS } from './system-roles';

describe('RBAC', () => {
  let platform: TestPlatform;
  let admin: Awaited<ReturnType<typeof createTestPlatformAdmin>>;
  beforeAll(async () => {
    platform = await createTestPlatform();
    admin = await createTestPlatformAdmin(platform);
  });
  afterAll(() => platform.close());

  async function allRoles(token: string) {
    const res = await http(platform.baseUrl, 'GET', '/api/rbac/roles?limit=200', { token });
    expect(res.status).toBe(200);
    return res.body.items as Array<{
      id: string;
      key: string | null;
      name: string;
      organizationId: string | null;
      permissions: unknown[];
    }>;
  }

  it('seeds every system role, and platform admin holds every permission on all organizations', async () => {
    const roles = await allRoles(admin.token);
    expect(
      roles
        .filter((r) => r.key)
        .map((r) => r.key)
        .sort(),
    ).toEqual([...SYSTEM_ROLE_KEYS].sort());
    const me = await http(platform.baseUrl, 'GET', '/api/rbac/me/permissions', { token: admin.token });
    expect(me.body.permissions).toHaveLength(RESOURCE_NAMES.length * 6);
    expect(new Set(me.body.permissions.map((p: { scope: string }) => p.scope))).toEqual(new Set(['all']));
  });

  it('shows a merchant admin only its own organization’s roles and the merchant system roles', async () => {
    const merchant = await createTestMerchant(platform);
    const other = await createTestMerchant(platform);
    await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: other.token,
      body: { name: 'Other shop packers' },
    });
    await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: { name: 'Packers' },
    });
    const roles = await allRoles(merchant.token);
    expect(roles.map((r) => r.key ?? r.name).sort()).toEqual(['Packers', 'merchant_admin', 'merchant_user']);
    expect(
      roles.every((r) => r.organizationId === null || r.organizationId === merchant.user.organization.id),
    ).toBe(true);
  });

  it('creates a custom role in the merchant’s own organization, whatever organizationId it sends', async () => {
    const merchant = await createTestMerchant(platform);
    const other = await createTestMerchant(platform);
    const forged = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: { name: 'Sneaky', organizationId: other.user.organization.id },
    });
    expect(forged.status).toBe(403);
    const created = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: {
        name: 'Returns desk',
        permissions: [{ resource: 'returns', action: 'update', scope: 'organization' }],
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      system: false,
      key: null,
      organizationId: merchant.user.organization.id,
    });
    const duplicate = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: { name: 'RETURNS DESK' },
    });
    expect(duplicate.status).toBe(409);
  });

  it('refuses to let anyone grant permissions they do not hold', async () => {
    const merchant = await createTestMerchant(platform);
    const escalate = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: { name: 'Everything', permissions: [{ resource: 'orders', action: 'read', scope: 'all' }] },
    });
    expect(escalate.status).toBe(403);
    expect(escalate.body.detail).toContain('orders:read:all');
    const finance = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: {
        name: 'Finance',
        permissions: [{ resource: 'finance_batches', action: 'approve', scope: 'organization' }],
      },
    });
    expect(finance.status).toBe(403);
  });

  it('validates the permission matrix field by field', async () => {
    const res = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: admin.token,
      body: {
        name: 'Broken',
        permissions: [
          { resource: 'orders', action: 'read', scope: 'all' },
          { resource: 'orders', action: 'read', scope: 'own' },
          { resource: 'spaceships', action: 'fly', scope: 'galaxy' },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['permissions.2.resource', 'permissions.2.action', 'permissions.2.scope']),
    );
  });

  it('replaces a role’s permission matrix and records the change', async () => {
    const merchant = await createTestMerchant(platform);
    const role = await http(platform.baseUrl, 'POST', '/api/rbac/roles', {
      token: merchant.token,
      body: { name: 'Desk' },
    });
    const matrix = [
      { resource: 'orders', action: 'read', scope: 'organization' },
      { resource: 'orders', action: 'create', scope: 'organization' },
    ];
    const res = await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${role.body.id}/permissions`, {
      token: merchant.token,
      body: { permissions: matrix },
    });
    expect(res.status).toBe(200);
    expect(res.body.permissions).toEqual([matrix[1], matrix[0]]);
    const event = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'payload', 'sequence'])
      .where('resource_id', '=', role.body.id)
      .orderBy('sequence')
      .execute();
    expect(event.map((e) => [e.type, e.sequence])).toEqual([
      ['role.created', 1],
      ['role.permissions_changed', 2],
    ]);
  });

  it('never lets a system role be edited: the platform admin role, and the others for merchants or operators', async () => {
    const roles = await allRoles(admin.token);
    const platformAdmin = roles.find((r) => r.key === 'platform_admin')!;
    const res = await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${platformAdmin.id}/permissions`, {
      token: admin.token,
      body: { permissions: [] },
    });
    expect(res.status).toBe(409);
    const merchant = await createTestMerchant(platform);
    const merchantUser = roles.find((r) => r.key === 'merchant_user')!;
    const byMerchant = await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${merchantUser.id}/permissions`, {
      token: merchant.token,
      body: { permissions: [] },
    });
    expect(byMerchant.status).toBe(403);
    // Every start restores system roles to their defaults: an edit would be undone, so it is refused.
    const byOperator = await http(platform.baseUrl, 'PUT', `/api/rbac/roles/${merchantUser.id}/permissions`, {
      token: admin.token,
      body: { permissions: [] },
    });
    expect(byOperator.status).toBe(409);
    expect(byOperator.body.detail).toContain('create a custom role');
  });

  it('merges permissions across several roles, widest scope winning', async () => {
    const merchant = await createTestMerchant(platform);
    const clerk = await createTestUser(platform, merchant.user.organization.id, ['merchant_user']);
    const before = await http(platform.baseUrl, 'GET', '/api/rbac/me/permissions', { token: clerk.token });
    expect(before.body.permissions).toContainEqual({ resource: 'users', action: 'read', scope: 'own' });
    expect(before.body.permissions).not.toContainEqual(expect.objectContaining({ resource: 'roles' }));

    const roles = await allRoles(merchant.token);
    const adminRole = roles.find((r) => r.key === 'merchant_admin')!;
    const assigned = await http(platform.baseUrl, 'POST', `/api/rbac/users/${clerk.userId}/assign-role`, {
      token: merchant.token,
      body: { roleId: adminRole.id },
    });
    expect(assigned.status).toBe(200);
    expect(assigned.body.roles.map((r: { key: string }) => r.key)).toEqual([
      'merchant_admin',
      'merchant_user',
    ]);
    const after = await http(platform.baseUrl, 'GET', '/api/rbac/me/permissions', { token: clerk.token });
    expect(after.body.permissions).toContainEqual({
      resource: 'users',
      action: 'read',
      scope: 'organization',
    });
    expect(after.body.permissions).not.toContainEqual({ resource: 'users', action: 'read', scope: 'own' });
    expect(after.body.permissions).toContainEqual({
      resource: 'roles',
      action: 'create',
      scope: 'organization',
    });

    const again = await http(platform.baseUrl, 'POST', `/api/rbac/users/${clerk.userId}/assign-role`, {
      token: merchant.token,
      body: { roleId: adminRole.id },
    });
    expect(again.body).toEqual(assigned.body);
  });

  it('keeps role assignment inside the organization and the organization type', async () => {
    const merchant = await createTestMerchant(platform);
    const other = await createTestMerchant(platform);
    const roles = await allRoles(admin.token);
    const merchantUser = roles.find((r) => r.key === 'merchant_user')!;
    const platformAdmin = roles.find((r) => r.key === 'platform_admin')!;
    const driver = roles.find((r) => r.key === 'driver')!;

    const crossOrg = await http(platform.baseUrl, 'POST', `/api/rbac/users/${other.user.id}/assign-role`, {
      token: merchant.token,
      body: { roleId: merchantUser.id },
    });
    expect(crossOrg.status).toBe(404);

    const invisible = await http(
      platform.baseUrl,
      'POST',
      `/api/rbac/users/${merchant.user.id}/assign-role`,
      {
        token: merchant.token,
        body: { roleId: platformAdmin.id },
      },
    );
    expect(invisible.status).toBe(400);
    expect(invisible.body.errors[0].field).toBe('roleId');

    const wrongType = await http(
      platform.baseUrl,
      'POST',
      `/api/rbac/users/${merchant.user.id}/assign-role`,
      {
        token: admin.token,
        body: { roleId: driver.id },
      },
    );
    expect(wrongType.status).toBe(409);

    const partner = await createTestOrganization(platform, 'partner');
    const courier = await createTestUser(platform, partner, []);
    const ok = await http(platform.baseUrl, 'POST', `/api/rbac/users/${courier.userId}/assign-role`, {
      token: admin.token,
      body: { roleId: driver.id },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.permissions).toContainEqual({
      resource: 'driver_otp',
      action: 'create',
      scope: 'carrier',
    });
  });

  it('pages through roles with a cursor and rejects a forged cursor', async () => {
    const first = await http(platform.baseUrl, 'GET', '/api/rbac/roles?limit=4', { token: admin.token });
    expect(first.body.items).toHaveLength(4);
    const seen = [...first.body.items];
    let cursor = first.body.nextCursor as string | null;
    while (cursor) {
      const page = await http(platform.baseUrl, 'GET', `/api/rbac/roles?limit=4&cursor=${cursor}`, {
        token: admin.token,
      });
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    const all = await allRoles(admin.token);
    expect(seen.map((r) => r.id)).toEqual(all.map((r) => r.id));
    const forged = await http(platform.baseUrl, 'GET', '/api/rbac/roles?cursor=bm90LWEtY3Vyc29y', {
      token: admin.token,
    });
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('cursor');
  });
});
