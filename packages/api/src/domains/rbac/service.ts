import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { RBAC_ERRORS } from './errors';
import { AUTH_ERRORS } from '../auth/errors';
import { fetchPage, type Page } from '../../platform/pagination';
import type { PageInput } from '../../platform/pagination-schemas';
import { toTimestamp } from '../../platform/time';
import type { Actor } from '../auth/service';
import { recordDomainEvent } from '../events/service';
import type { DataScope, Permission } from './catalogue';
import { assertCanGrant, findScope, mergePermissions } from './permissions';
import type {
  AssignRoleInput,
  CreateRoleInput,
  EffectivePermissions,
  Role,
  SetRolePermissionsInput,
} from './schemas';
import {
  samePermissions,
  SYSTEM_ROLE_KEYS,
  SYSTEM_ROLES,
  systemRoleKeysFor,
  type SystemRoleDefaults,
  type SystemRoleKey,
} from './system-roles';

// What other domains use of the role model: the system role keys, the grant helpers their descriptors declare
// default grants with, and the scope check of a permission.
export { ALL_ACTIONS, grant, READ, systemRoleKeysFor, type SystemRoleKey } from './system-roles';
export { findScope, requireScope } from './permissions';

interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

interface RoleRow {
  id: string;
  system_key: string | null;
  organization_id: string | null;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}

/** Each role's permissions, by role id (an empty list for a role without any). */
export async function permissionsOfRoles(
  db: DbExecutor,
  roleIds: string[],
): Promise<Map<string, Permission[]>> {
  const byRole = new Map<string, Permission[]>(roleIds.map((id) => [id, []]));
  if (!roleIds.length) return byRole;
  const rows = await db
    .selectFrom('role_permissions')
    .select(['role_id', 'resource', 'action', 'scope'])
    .where('role_id', 'in', roleIds)
    .execute();
  for (const { role_id, ...permission } of rows) byRole.get(role_id)?.push(permission as Permission);
  return byRole;
}

/** An admin is who may change the organization's users: `users:update` on the organization or wider. */
export function grantsAdmin(permissions: Permission[]): boolean {
  const scope = findScope(permissions, 'users', 'update');
  return scope === 'organization' || scope === 'all';
}

/** Active members of the organization holding an admin-capable role, other than `exceptUserId`. */
export async function activeAdminCount(
  db: DbExecutor,
  organizationId: string,
  exceptUserId?: string,
): Promise<number> {
  let query = db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .select(sql<number>`count(distinct users.id)::int`.as('admins'))
    .where('users.organization_id', '=', organizationId)
    .where('users.status', '=', 'active')
    .where('users.removed_at', 'is', null)
    .where('role_permissions.resource', '=', 'users')
    .where('role_permissions.action', '=', 'update')
    .where('role_permissions.scope', 'in', ['organization', 'all']);
  if (exceptUserId) query = query.where('users.id', '<>', exceptUserId);
  return (await query.executeTakeFirstOrThrow()).admins;
}

function roleRowToRole(row: RoleRow, permissions: Permission[]): Role {
  return {
    id: row.id,
    key: row.system_key,
    name: row.name,
    description: row.description,
    system: row.system_key !== null,
    organizationId: row.organization_id,
    permissions: mergePermissions(permissions).map(({ resource, action, scope }) => ({
      resource,
      action,
      scope,
    })),
    createdAt: toTimestamp(row.created_at),
    updatedAt: toTimestamp(row.updated_at),
  };
}

/** Which roles a caller may see: everything, their organization's roles and system roles, or the roles they hold. */
function visibleRoles(request: ScopedRequest): Expression<SqlBool> {
  const { actor, scope } = request;
  if (scope === 'all') return sql<SqlBool>`true`;
  if (scope === 'own') {
    return sql<SqlBool>`roles.id in (select role_id from user_roles where user_id = ${actor.userId})`;
  }
  const systemKeys = systemRoleKeysFor(actor.organizationType);
  return sql<SqlBool>`(roles.organization_id = ${actor.organizationId}
    or (roles.organization_id is null and roles.system_key in (${sql.join(systemKeys)})))`;
}

async function getVisibleRole(trx: DbTransaction, request: ScopedRequest, roleId: string): Promise<RoleRow> {
  const row = await trx
    .selectFrom('roles')
    .selectAll()
    .where('id', '=', roleId)
    .where(visibleRoles(request))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `Role ${roleId} does not exist.`);
  return row;
}

export async function getEffectivePermissions(db: DbExecutor, userId: string): Promise<Permission[]> {
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .select(['role_permissions.resource', 'role_permissions.action', 'role_permissions.scope'])
    .where('user_roles.user_id', '=', userId)
    .execute();
  return mergePermissions(rows as Permission[]);
}

async function replacePermissions(
  trx: DbTransaction,
  roleId: string,
  permissions: Permission[],
): Promise<void> {
  await trx.deleteFrom('role_permissions').where('role_id', '=', roleId).execute();
  if (!permissions.length) return;
  await trx
    .insertInto('role_permissions')
    .values(
      permissions.map((p) => ({ role_id: roleId, resource: p.resource, action: p.action, scope: p.scope })),
    )
    .execute();
}

/**
 * Reconciles the system roles with their declared defaults: a missing role is created, and every role whose
 * permissions differ from its defaults (a default changed in a release, or an edit in this installation) is
 * set to them, so a changed default reaches existing installations. Custom roles are not touched. Run by every
 * process at start-up; the advisory lock keeps concurrent starts from interleaving.
 */
export async function ensureSystemRoles(db: Db, defaults: SystemRoleDefaults): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('ipay.ensure_system_roles'))`.execute(trx);
    for (const key of SYSTEM_ROLE_KEYS) {
      const definition = SYSTEM_ROLES[key];
      await trx
        .insertInto('roles')
        .values({ system_key: key, name: definition.name, description: definition.description })
        .onConflict((oc) => oc.column('system_key').doNothing())
        .execute();
      const role = await trx
        .selectFrom('roles')
        .select('id')
        .where('system_key', '=', key)
        .executeTakeFirstOrThrow();
      const current = (await permissionsOfRoles(trx, [role.id])).get(role.id) ?? [];
      // Unchanged roles are left as they are, so a start writes nothing on an up-to-date installation.
      if (!samePermissions(current, defaults[key])) await replacePermissions(trx, role.id, defaults[key]);
    }
  });
}

export async function assignSystemRole(
  trx: DbTransaction,
  assignment: { userId: string; roleKey: SystemRoleKey; assignedBy: string | null },
): Promise<void> {
  const role = await trx
    .selectFrom('roles')
    .select('id')
    .where('system_key', '=', assignment.roleKey)
    .executeTakeFirst();
  if (!role) throw new Error(`system role ${assignment.roleKey} is not seeded; run ensureSystemRoles first`);
  await trx
    .insertInto('user_roles')
    .values({ user_id: assignment.userId, role_id: role.id, assigned_by: assignment.assignedBy })
    .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
    .execute();
}

export async function listRoles(
  db: DbExecutor,
  request: ScopedRequest & { page: PageInput },
): Promise<Page<Role>> {
  const page = await fetchPage(
    db.selectFrom('roles').selectAll().where(visibleRoles(request)),
    request.page,
    {
      orderBy: ['roles.name', 'roles.id'],
    },
  );
  const permissions = await permissionsOfRoles(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => roleRowToRole(row, permissions.get(row.id) ?? [])) };
}

/**
 * Creates a custom role. Operators (scope `all`) may create global roles or roles for any organization;
 * everybody else creates roles in their own organization. Nobody creates a role stronger than themselves.
 */
export async function createRole(
  trx: DbTransaction,
  request: ScopedRequest & { input: CreateRoleInput },
): Promise<Role> {
  const { actor, scope, input } = request;
  if (scope === 'own')
    throw new AppError('forbidden', 'Creating roles requires roles:create on your organization.');
  if (input.organizationId && scope !== 'all' && input.organizationId !== actor.organizationId) {
    throw new AppError('forbidden', 'You can only create roles in your own organization.', {
      errors: [{ field: 'organizationId', message: 'must be your own organization', code: 'out_of_scope' }],
    });
  }
  const organizationId = scope === 'all' ? (input.organizationId ?? null) : actor.organizationId;
  if (organizationId) {
    const exists = await trx
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', organizationId)
      .executeTakeFirst();
    if (!exists) throw AppError.validation('organizationId', 'no organization has this id', 'not_found');
  }
  assertCanGrant(actor.permissions, input.permissions);

  const row = await trx
    .insertInto('roles')
    .values({ name: input.name, description: input.description, organization_id: organizationId })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) {
    throw domainError(RBAC_ERRORS, 'role_name_taken', `A role named "${input.name}" already exists there.`, {
      errors: [{ field: 'name', message: 'is already used by another role', code: 'already_exists' }],
    });
  }
  await replacePermissions(trx, row.id, input.permissions);
  await recordDomainEvent(trx, {
    type: 'role.created',
    resourceType: 'role',
    resourceId: row.id,
    organizationId,
    actorUserId: actor.userId,
    data: {
      name: row.name,
      permissions: input.permissions.map((p) => `${p.resource}:${p.action}:${p.scope}`),
    },
  });
  return roleRowToRole(row, input.permissions);
}

/**
 * Replaces a custom role's whole permission matrix. System roles are not edited here: every start makes them
 * equal to the platform's declared defaults, which would silently undo an edit.
 */
export async function setRolePermissions(
  trx: DbTransaction,
  request: ScopedRequest & { input: SetRolePermissionsInput },
): Promise<Role> {
  const { actor, scope, input } = request;
  const role = await getVisibleRole(trx, request, input.id);
  if (role.system_key === 'platform_admin') {
    throw domainError(
      RBAC_ERRORS,
      'system_role_immutable',
      'The platform admin role always holds every permission; it cannot be edited.',
    );
  }
  if (scope !== 'all' && (role.system_key !== null || role.organization_id !== actor.organizationId)) {
    throw new AppError(
      'forbidden',
      'Only operators can edit system roles; you can edit your organization’s own roles.',
    );
  }
  if (role.system_key !== null) {
    throw domainError(
      RBAC_ERRORS,
      'system_role_immutable',
      `The system role ${role.name} keeps the platform's defaults, restored on every start; create a custom role with the permissions you need and assign it instead.`,
    );
  }
  assertCanGrant(actor.permissions, input.permissions);

  const before = (await permissionsOfRoles(trx, [role.id])).get(role.id) ?? [];
  const organizationId = role.organization_id;
  const takesAdminAway = organizationId !== null && grantsAdmin(before) && !grantsAdmin(input.permissions);
  // Member changes lock the organization the same way, so two changes cannot each leave the other's admin last.
  if (takesAdminAway) {
    await trx
      .selectFrom('organizations')
      .select('id')
      .where('id', '=', organizationId)
      .forNoKeyUpdate()
      .execute();
  }
  const adminsBefore = takesAdminAway ? await activeAdminCount(trx, organizationId) : 0;
  await replacePermissions(trx, role.id, input.permissions);
  if (takesAdminAway && adminsBefore > 0 && (await activeAdminCount(trx, organizationId)) === 0) {
    throw domainError(
      AUTH_ERRORS,
      'last_admin',
      `Without users:update the role ${role.name} would leave its organization without an active admin: make another member an admin first.`,
    );
  }
  const updated = await trx
    .updateTable('roles')
    .set({ updated_at: sql<Date>`now()` })
    .where('id', '=', role.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const describe = (list: Permission[]) =>
    mergePermissions(list).map((p) => `${p.resource}:${p.action}:${p.scope}`);
  await recordDomainEvent(trx, {
    type: 'role.permissions_changed',
    resourceType: 'role',
    resourceId: role.id,
    organizationId: role.organization_id,
    actorUserId: actor.userId,
    data: { before: describe(before), after: describe(input.permissions) },
  });
  return roleRowToRole(updated, input.permissions);
}

export interface HeldRole {
  id: string;
  key: string | null;
  name: string;
}

/** The roles each of several users holds, by name; a user without roles maps to an empty list. */
export async function rolesOfUsers(db: DbExecutor, userIds: string[]): Promise<Map<string, HeldRole[]>> {
  const byUser = new Map<string, HeldRole[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return byUser;
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['user_roles.user_id', 'roles.id', 'roles.system_key as key', 'roles.name'])
    .where('user_roles.user_id', 'in', userIds)
    .orderBy('roles.name')
    .execute();
  for (const { user_id, ...role } of rows) byUser.get(user_id)?.push(role);
  return byUser;
}

async function rolesOfUser(db: DbExecutor, userId: string): Promise<HeldRole[]> {
  return (await rolesOfUsers(db, [userId])).get(userId) ?? [];
}

async function effectivePermissionsOf(
  db: DbExecutor,
  user: { id: string; organizationId: string },
): Promise<EffectivePermissions> {
  return {
    userId: user.id,
    organizationId: user.organizationId,
    roles: await rolesOfUser(db, user.id),
    permissions: await getEffectivePermissions(db, user.id),
  };
}

/** Gives a user one more role. Assigning a role the user already holds changes nothing and succeeds. */
export async function assignRole(
  trx: DbTransaction,
  request: ScopedRequest & { input: AssignRoleInput },
): Promise<EffectivePermissions> {
  const { actor, scope, input } = request;
  const user = await trx
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select(['users.id', 'users.organization_id', 'organizations.type'])
    .where('users.id', '=', input.id)
    .where('users.removed_at', 'is', null)
    .executeTakeFirst();
  const inScope =
    user && (scope === 'all' || (scope === 'organization' && user.organization_id === actor.organizationId));
  if (!user || !inScope) throw new AppError('not_found', `User ${input.id} does not exist.`);

  const role = await getVisibleRole(trx, request, input.roleId).catch((error: unknown) => {
    if (error instanceof AppError && error.kind === 'not_found') {
      throw AppError.validation('roleId', 'no role you can see has this id', 'not_found');
    }
    throw error;
  });
  if (role.organization_id && role.organization_id !== user.organization_id) {
    throw new AppError('conflict', 'This role belongs to another organization than the user.');
  }
  const systemRole = role.system_key ? SYSTEM_ROLES[role.system_key as SystemRoleKey] : undefined;
  if (systemRole && systemRole.organizationType !== user.type) {
    throw new AppError(
      'conflict',
      `The ${systemRole.name} role is for ${systemRole.organizationType} users; this user belongs to a ${user.type} organization.`,
    );
  }
  const granted = (await permissionsOfRoles(trx, [role.id])).get(role.id) ?? [];
  assertCanGrant(actor.permissions, granted);

  const inserted = await trx
    .insertInto('user_roles')
    .values({ user_id: user.id, role_id: role.id, assigned_by: actor.userId })
    .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
    .returning('role_id')
    .executeTakeFirst();
  if (inserted) {
    await recordDomainEvent(trx, {
      type: 'user.role_assigned',
      resourceType: 'user',
      resourceId: user.id,
      organizationId: user.organization_id,
      actorUserId: actor.userId,
      data: { roleId: role.id, roleName: role.name },
    });
  }
  return effectivePermissionsOf(trx, { id: user.id, organizationId: user.organization_id });
}

export function getMyPermissions(db: DbExecutor, actor: Actor): Promise<EffectivePermissions> {
  return effectivePermissionsOf(db, { id: actor.userId, organizationId: actor.organizationId });
}

/**
 * Active users of an organization whose roles grant `resource:action` on at least their organization:
 * the people who can act on something that went wrong there (e.g. re-enable a webhook endpoint).
 */
export async function findUsersWithPermission(
  db: DbExecutor,
  request: { organizationId: string; resource: Permission['resource']; action: Permission['action'] },
): Promise<Array<{ id: string; email: string; name: string }>> {
  return db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .innerJoin('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
    .select(['users.id', 'users.email', 'users.name'])
    .distinct()
    .where('users.organization_id', '=', request.organizationId)
    .where('users.status', '=', 'active')
    .where('role_permissions.resource', '=', request.resource)
    .where('role_permissions.action', '=', request.action)
    .where('role_permissions.scope', 'in', ['organization', 'all'])
    .orderBy('users.email')
    .execute();
}
