import type { Selectable } from 'kysely';
import type { DbExecutor, DbTransaction, UsersTable } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { scopeFilter } from '../../../platform/data-scope';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import { setAccountStatus } from '../../auth/service';
import { recordDomainEvent } from '../../events/service';
import { rolesOfUsers, type HeldRole } from '../../rbac/service';
import type { ListSponsorUsersInput, SponsorUserAccount, USER_STATUSES } from '../schemas';
import type { ScopedRequest } from './context';

type UserStatus = (typeof USER_STATUSES)[number];

/**
 * Users of sponsor organizations within the caller's `users` scope: operators all, a sponsor admin their
 * organization's, `own` only the caller. Users of other kinds of organization are never here, so a merchant
 * admin's `users` scope reaches nobody through these endpoints. Removed users (auth's soft delete) are not here.
 * Never selects the password hash.
 */
function visibleSponsorUsers(db: DbExecutor, request: ScopedRequest) {
  return db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'users.id',
      'users.organization_id',
      'users.username',
      'users.email',
      'users.name',
      'users.status',
      'users.created_at',
      'users.last_login_at',
    ])
    .where('organizations.type', '=', 'sponsor')
    .where('users.removed_at', 'is', null)
    .where(
      scopeFilter(request.scope, request.actor, { organization: 'users.organization_id', owner: 'users.id' }),
    );
}

type SponsorUserRow = Pick<
  Selectable<UsersTable>,
  'id' | 'organization_id' | 'username' | 'email' | 'name' | 'status' | 'created_at' | 'last_login_at'
>;

function sponsorUserRowToAccount(row: SponsorUserRow, roles: HeldRole[]): SponsorUserAccount {
  return {
    id: row.id,
    organizationId: row.organization_id,
    username: row.username,
    email: row.email,
    name: row.name,
    roles,
    status: row.status,
    createdAt: toTimestamp(row.created_at),
    lastLoginAt: row.last_login_at ? toTimestamp(row.last_login_at) : null,
  };
}

/** Sponsor users the caller may see, oldest first, with their roles. */
export async function listSponsorUsers(
  db: DbExecutor,
  request: ScopedRequest & { input: ListSponsorUsersInput },
): Promise<Page<SponsorUserAccount>> {
  const { input } = request;
  let query = visibleSponsorUsers(db, request);
  if (input.organizationId) query = query.where('users.organization_id', '=', input.organizationId);
  const page = await fetchPage(query, input, {
    orderBy: ['users.created_at', 'users.id'],
  });
  const roles = await rolesOfUsers(
    db,
    page.items.map((row) => row.id),
  );
  return {
    ...page,
    items: page.items.map((row) => sponsorUserRowToAccount(row, roles.get(row.id) ?? [])),
  };
}

/**
 * Disables or re-enables a sponsor user. Auth loads only active users, on sign-in and on every request, so a
 * disabled user can neither sign in nor use a token issued before, also once enabled again. Setting the status the user already has
 * changes and records nothing. Nobody changes their own status: an admin cannot lock themselves out by mistake.
 * A user outside the caller's scope is a 404, as if it did not exist.
 */
export async function setSponsorUserStatus(
  trx: DbTransaction,
  request: ScopedRequest & { userId: string; status: UserStatus },
): Promise<SponsorUserAccount> {
  if (request.userId === request.actor.userId) {
    throw new AppError(
      'forbidden',
      'You cannot disable or enable your own account; ask another admin or IPAY.',
    );
  }
  const before = await visibleSponsorUsers(trx, request)
    .where('users.id', '=', request.userId)
    .forUpdate('users')
    .executeTakeFirst();
  if (!before) throw new AppError('not_found', `Sponsor user ${request.userId} does not exist.`);
  let row: SponsorUserRow = before;
  if (before.status !== request.status) {
    row = { ...before, status: request.status };
    await setAccountStatus(trx, before.id, request.status);
    await recordDomainEvent(trx, {
      type: request.status === 'disabled' ? 'sponsor_user.disabled' : 'sponsor_user.enabled',
      resourceType: 'user',
      resourceId: before.id,
      organizationId: before.organization_id,
      actorUserId: request.actor.userId,
      data: { username: before.username, from: before.status, to: request.status },
    });
  }
  const roles = await rolesOfUsers(trx, [row.id]);
  return sponsorUserRowToAccount(row, roles.get(row.id) ?? []);
}
