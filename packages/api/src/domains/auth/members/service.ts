import type { DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { scopeFilter } from '../../../platform/data-scope';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import { recordDomainEvent } from '../../events/service';
import { scopeCovers, type DataScope, type Permission } from '../../rbac/catalogue';
import {
  activeAdminCount,
  findScope,
  grantsAdmin,
  permissionsOfRoles,
  rolesOfUsers,
  systemRoleKeysFor,
  type HeldRole,
} from '../../rbac/service';
import { AUTH_ERRORS } from '../errors';
import type { OrganizationType } from '../schemas';
import type { Actor } from '../service';
import { signOutCutoff } from '../tokens';
import type { ListMembersInput, Member, RemovedMember, SetMemberRolesInput } from './schemas';

export interface ScopedRequest {
  actor: Actor;
  scope: DataScope;
}

export interface TargetOrganization {
  id: string;
  name: string;
  type: OrganizationType;
}

/**
 * The organization a request acts on: the caller's own unless an operator (scope `all`) names another. Naming
 * another organization without that scope is a 403 naming the field; an unknown one is a 400 (operators only).
 */
export async function targetOrganization(
  db: DbExecutor,
  request: ScopedRequest,
  organizationId: string | undefined,
): Promise<TargetOrganization> {
  const id = organizationId ?? request.actor.organizationId;
  if (id !== request.actor.organizationId && request.scope !== 'all') {
    throw new AppError('forbidden', 'You can only manage the members of your own organization.', {
      errors: [{ field: 'organizationId', message: 'must be your own organization', code: 'out_of_scope' }],
    });
  }
  const row = await db
    .selectFrom('organizations')
    .select(['id', 'name', 'type'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw AppError.validation('organizationId', 'no organization has this id', 'not_found');
  return row;
}

/** Changing members needs the permission on at least the organization; `own` covers reading yourself only. */
export function requireManageScope(scope: DataScope): void {
  if (scope === 'own') {
    throw new AppError('forbidden', "Managing members requires the permission on your organization's users.");
  }
}

/** Users the caller may see: not removed, within the scope (`own`: only themselves). */
function visibleMembers(db: DbExecutor, request: ScopedRequest) {
  return db
    .selectFrom('users')
    .select([
      'users.id',
      'users.organization_id',
      'users.email',
      'users.name',
      'users.status',
      'users.created_at',
      'users.last_login_at',
      'users.tokens_valid_after',
    ])
    .where('users.removed_at', 'is', null)
    .where(
      scopeFilter(request.scope, request.actor, { organization: 'users.organization_id', owner: 'users.id' }),
    );
}

interface MemberRow {
  id: string;
  organization_id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  created_at: Date;
  last_login_at: Date | null;
  tokens_valid_after: Date | null;
}

function memberRowToMember(row: MemberRow, roles: HeldRole[]): Member {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    name: row.name,
    status: row.status,
    roles,
    createdAt: toTimestamp(row.created_at),
    lastLoginAt: row.last_login_at ? toTimestamp(row.last_login_at) : null,
  };
}

async function withRoles(db: DbExecutor, row: MemberRow): Promise<Member> {
  const roles = await rolesOfUsers(db, [row.id]);
  return memberRowToMember(row, roles.get(row.id) ?? []);
}

/** An organization's members (of the caller's own unless an operator names another), oldest first. */
export async function listMembers(
  db: DbExecutor,
  request: ScopedRequest & { input: ListMembersInput },
): Promise<Page<Member>> {
  const { input } = request;
  const organization = await targetOrganization(db, request, input.organizationId);
  let query = visibleMembers(db, request).where('users.organization_id', '=', organization.id);
  if (input.status) query = query.where('users.status', '=', input.status);
  const page = await fetchPage(query, input, { orderBy: ['users.created_at', 'users.id'] });
  const roles = await rolesOfUsers(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => memberRowToMember(row, roles.get(row.id) ?? [])) };
}

export async function getMember(db: DbExecutor, request: ScopedRequest & { id: string }): Promise<Member> {
  const row = await visibleMembers(db, request).where('users.id', '=', request.id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `Member ${request.id} does not exist.`);
  return withRoles(db, row);
}

/**
 * Serialises member changes per organization. `for no key update` does not block rows of other tables that merely
 * refer to the organization (orders, users), only other member changes of the same organization.
 */
export async function lockOrganization(trx: DbTransaction, organizationId: string): Promise<void> {
  await trx
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', organizationId)
    .forNoKeyUpdate()
    .execute();
}

/**
 * Locks the member's organization, then the member: every change that could remove an organization's last
 * admin runs one at a time per organization, so two admins disabling each other cannot both succeed.
 */
async function lockMember(trx: DbTransaction, request: ScopedRequest, id: string): Promise<MemberRow> {
  requireManageScope(request.scope);
  const found = await visibleMembers(trx, request).where('users.id', '=', id).executeTakeFirst();
  if (!found) throw new AppError('not_found', `Member ${id} does not exist.`);
  await lockOrganization(trx, found.organization_id);
  const row = await visibleMembers(trx, request).where('users.id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('not_found', `Member ${id} does not exist.`);
  return row;
}

/**
 * Refuses a change that leaves an organization without an active admin: when the member is an active admin
 * now and will not be after the change, another active admin must remain. An organization that has no admin
 * (none was ever given one) is not checked.
 */
async function assertAnotherAdminRemains(
  trx: DbTransaction,
  member: MemberRow,
  adminAfter: boolean,
): Promise<void> {
  if (member.status !== 'active' || adminAfter) return;
  const held = await rolesOfUsers(trx, [member.id]);
  const roleIds = (held.get(member.id) ?? []).map((role) => role.id);
  const permissions = [...(await permissionsOfRoles(trx, roleIds)).values()].flat();
  if (!grantsAdmin(permissions)) return;
  if ((await activeAdminCount(trx, member.organization_id, member.id)) > 0) return;
  throw domainError(
    AUTH_ERRORS,
    'last_admin',
    'This member is the last active admin of the organization: make another member an admin first.',
  );
}

export interface GrantableRole {
  id: string;
  name: string;
  permissions: Permission[];
}

/**
 * The roles an actor may give in (or take away from) an organization: system roles of its kind and its own
 * custom roles, each holding no permission the actor does not hold. Each refused role is named by its index.
 */
export async function grantableRoles(
  db: DbExecutor,
  request: { actor: Actor; organization: TargetOrganization; roleIds: string[]; field: string },
): Promise<GrantableRole[]> {
  const { actor, organization, roleIds, field } = request;
  if (!roleIds.length) return [];
  const systemKeys = systemRoleKeysFor(organization.type);
  const rows = await db
    .selectFrom('roles')
    .select(['id', 'name'])
    .where('id', 'in', roleIds)
    .where((eb) =>
      eb.or([
        eb('organization_id', '=', organization.id),
        eb.and([eb('organization_id', 'is', null), eb('system_key', 'in', systemKeys)]),
      ]),
    )
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const permissions = await permissionsOfRoles(db, [...byId.keys()]);
  return roleIds.map((roleId, index) => {
    const role = byId.get(roleId);
    if (!role) {
      throw domainError(
        AUTH_ERRORS,
        'role_not_grantable',
        `Role ${roleId} is not one of the roles of this ${organization.type} organization.`,
        {
          errors: [
            {
              field: `${field}.${index}`,
              message: 'is not a role of this organization',
              code: 'not_grantable',
            },
          ],
        },
      );
    }
    const granted = permissions.get(roleId) ?? [];
    const beyond = beyondActor(actor, granted);
    if (beyond.length) {
      const list = beyond.map((p) => `${p.resource}:${p.action}:${p.scope}`).join(', ');
      throw domainError(
        AUTH_ERRORS,
        'role_exceeds_granter',
        `The role ${role.name} holds permissions you do not hold: ${list}.`,
        {
          errors: [
            {
              field: `${field}.${index}`,
              message: 'holds permissions you do not hold',
              code: 'beyond_your_permissions',
            },
          ],
        },
      );
    }
    return { id: role.id, name: role.name, permissions: granted };
  });
}

/**
 * Replaces a member's roles. Every role given and every role taken away must be one the caller may grant, and
 * the organization keeps an active admin.
 */
export async function setMemberRoles(
  trx: DbTransaction,
  request: ScopedRequest & { input: SetMemberRolesInput },
): Promise<Member> {
  const { actor, input } = request;
  const member = await lockMember(trx, request, input.id);
  const organization = await targetOrganization(trx, { actor, scope: 'all' }, member.organization_id);
  const before = ((await rolesOfUsers(trx, [member.id])).get(member.id) ?? []).map((role) => role.id);
  const after = await grantableRoles(trx, { actor, organization, roleIds: input.roleIds, field: 'roleIds' });
  const afterIds = after.map((role) => role.id);
  const takenAway = before.filter((id) => !afterIds.includes(id));
  // Taking a role away is as strong as giving it: nobody strips a role holding more than they hold.
  const strippedPermissions = [...(await permissionsOfRoles(trx, takenAway)).values()].flat();
  if (beyondActor(actor, strippedPermissions).length) {
    throw domainError(
      AUTH_ERRORS,
      'role_exceeds_granter',
      'You cannot take away a role stronger than yours.',
      {
        errors: [
          {
            field: 'roleIds',
            message: 'would take away a role you cannot grant',
            code: 'beyond_your_permissions',
          },
        ],
      },
    );
  }
  await assertAnotherAdminRemains(
    trx,
    member,
    after.some((role) => grantsAdmin(role.permissions)),
  );

  const added = afterIds.filter((id) => !before.includes(id));
  if (takenAway.length) {
    await trx
      .deleteFrom('user_roles')
      .where('user_id', '=', member.id)
      .where('role_id', 'in', takenAway)
      .execute();
  }
  if (added.length) {
    await trx
      .insertInto('user_roles')
      .values(added.map((roleId) => ({ user_id: member.id, role_id: roleId, assigned_by: actor.userId })))
      .execute();
  }
  if (added.length || takenAway.length) {
    await recordDomainEvent(trx, {
      type: 'user.roles_changed',
      resourceType: 'user',
      resourceId: member.id,
      organizationId: member.organization_id,
      actorUserId: actor.userId,
      data: { before: [...before].sort(), after: [...afterIds].sort() },
    });
  }
  return withRoles(trx, member);
}

/** The permissions of `permissions` the actor does not hold at least as widely. */
function beyondActor(actor: Actor, permissions: Permission[]): Permission[] {
  return permissions.filter((p) => {
    const held = findScope(actor.permissions, p.resource, p.action);
    return !held || !scopeCovers(held, p.scope);
  });
}

/** Nobody disables, enables or removes a member holding permissions beyond their own. */
async function assertDoesNotOutrank(trx: DbTransaction, actor: Actor, member: MemberRow): Promise<void> {
  const held = await rolesOfUsers(trx, [member.id]);
  const roleIds = (held.get(member.id) ?? []).map((role) => role.id);
  const permissions = [...(await permissionsOfRoles(trx, roleIds)).values()].flat();
  if (beyondActor(actor, permissions).length) {
    throw domainError(
      AUTH_ERRORS,
      'member_outranks_you',
      'This member holds permissions you do not hold; ask someone who holds them.',
    );
  }
}

function refuseOwnAccount(request: ScopedRequest, id: string, what: string): void {
  if (request.actor.userId === id) {
    throw domainError(
      AUTH_ERRORS,
      'own_account',
      `You cannot ${what} your own account; ask another admin or IPAY.`,
    );
  }
}

/** Disables a member: they cannot sign in, and every token issued to them before is refused for good. */
export async function disableMember(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<Member> {
  refuseOwnAccount(request, request.id, 'disable');
  const member = await lockMember(trx, request, request.id);
  if (member.status === 'disabled') return withRoles(trx, member);
  await assertDoesNotOutrank(trx, request.actor, member);
  await assertAnotherAdminRemains(trx, member, false);
  const tokensValidAfter = signOutCutoff(member.tokens_valid_after);
  await trx
    .updateTable('users')
    .set({ status: 'disabled', tokens_valid_after: tokensValidAfter })
    .where('id', '=', member.id)
    .execute();
  await recordDomainEvent(trx, {
    type: 'user.disabled',
    resourceType: 'user',
    resourceId: member.id,
    organizationId: member.organization_id,
    actorUserId: request.actor.userId,
    data: { email: member.email },
  });
  return withRoles(trx, { ...member, status: 'disabled', tokens_valid_after: tokensValidAfter });
}

/** Enables a disabled member again; tokens issued before they were disabled stay refused. */
export async function enableMember(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<Member> {
  const member = await lockMember(trx, request, request.id);
  if (member.status === 'active') return withRoles(trx, member);
  await assertDoesNotOutrank(trx, request.actor, member);
  await trx.updateTable('users').set({ status: 'active' }).where('id', '=', member.id).execute();
  await recordDomainEvent(trx, {
    type: 'user.enabled',
    resourceType: 'user',
    resourceId: member.id,
    organizationId: member.organization_id,
    actorUserId: request.actor.userId,
    data: { email: member.email },
  });
  return withRoles(trx, { ...member, status: 'active' });
}

/**
 * Removes a member: a soft delete. The row stays, because events, role assignments, invitations and uploads
 * refer to it, but it is disabled for good (`removed_at`), gone from every list and lookup, its tokens and
 * password-reset links void, and its e-mail address free for a new account.
 */
export async function removeMember(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<RemovedMember> {
  refuseOwnAccount(request, request.id, 'remove');
  const member = await lockMember(trx, request, request.id);
  await assertDoesNotOutrank(trx, request.actor, member);
  await assertAnotherAdminRemains(trx, member, false);
  const removedAt = new Date();
  await trx
    .updateTable('users')
    .set({
      status: 'disabled',
      removed_at: removedAt,
      tokens_valid_after: signOutCutoff(member.tokens_valid_after, removedAt),
    })
    .where('id', '=', member.id)
    .execute();
  await trx.deleteFrom('password_reset_tokens').where('user_id', '=', member.id).execute();
  await recordDomainEvent(trx, {
    type: 'user.removed',
    resourceType: 'user',
    resourceId: member.id,
    organizationId: member.organization_id,
    actorUserId: request.actor.userId,
    data: { email: member.email },
  });
  return { id: member.id, removedAt: toTimestamp(removedAt) };
}
