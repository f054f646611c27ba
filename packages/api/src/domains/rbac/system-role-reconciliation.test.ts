import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSystemRoles } from './service';
import { samePermissions, systemRoleDefaults, type SystemRoleDefaults } from './system-roles';
import type { Permission } from './catalogue';

async function permissionsOf(database: TestDatabase, roleId: string): Promise<Permission[]> {
  const rows = await database.db
    .selectFrom('role_permissions')
    .select(['resource', 'action', 'scope'])
    .where('role_id', '=', roleId)
    .execute();
  return rows as Permission[];
}

async function roleId(database: TestDatabase, systemKey: string): Promise<string> {
  const role = await database.db
    .selectFrom('roles')
    .select('id')
    .where('system_key', '=', systemKey)
    .executeTakeFirstOrThrow();
  return role.id;
}

describe('system-role reconciliation on start', () => {
  let database: TestDatabase;
  const defaults = systemRoleDefaults([]);
  beforeAll(async () => {
    database = await createTestDatabase();
    await ensureSystemRoles(database.db, defaults);
  });
  afterAll(() => database.drop());

  it('restores a system role whose permissions were changed, and leaves custom roles alone', async () => {
    const merchantUser = await roleId(database, 'merchant_user');
    const custom = await database.db
      .insertInto('roles')
      .values({ name: 'Night shift', description: 'A custom role' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const customGrant = {
      role_id: custom.id,
      resource: 'orders',
      action: 'read' as const,
      scope: 'organization' as const,
    };
    await database.db.insertInto('role_permissions').values(customGrant).execute();
    // An installation whose merchant_user lost a default and gained a permission it should not have.
    await database.db.deleteFrom('role_permissions').where('role_id', '=', merchantUser).execute();
    await database.db
      .insertInto('role_permissions')
      .values({ role_id: merchantUser, resource: 'roles', action: 'delete', scope: 'all' })
      .execute();

    await ensureSystemRoles(database.db, defaults);

    expect(samePermissions(await permissionsOf(database, merchantUser), defaults.merchant_user)).toBe(true);
    expect(await permissionsOf(database, custom.id)).toEqual([
      { resource: 'orders', action: 'read', scope: 'organization' },
    ]);
  });

  it('brings a changed default to an installation seeded with the old one', async () => {
    const sponsorUser = await roleId(database, 'sponsor_user');
    const changed: SystemRoleDefaults = {
      ...defaults,
      sponsor_user: [
        ...defaults.sponsor_user,
        { resource: 'benefit_cards', action: 'export', scope: 'organization' },
      ],
    };
    await ensureSystemRoles(database.db, changed);
    expect(samePermissions(await permissionsOf(database, sponsorUser), changed.sponsor_user)).toBe(true);
    expect(samePermissions(await permissionsOf(database, sponsorUser), defaults.sponsor_user)).toBe(false);
  });

  it("adds a domain descriptor's grants to the role's defaults", () => {
    const grant: Permission = { resource: 'lockers', action: 'read', scope: 'all' };
    const merged = systemRoleDefaults([{ sponsor_admin: [grant] }]);
    expect(merged.sponsor_admin).toContainEqual(grant);
    expect(merged.sponsor_admin).toHaveLength(defaults.sponsor_admin.length + 1);
    expect(merged.sponsor_user).toEqual(defaults.sponsor_user);
  });
});
