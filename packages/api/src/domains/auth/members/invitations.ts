import { sql, type Selectable } from 'kysely';
import type { DbExecutor, DbTransaction, UserInvitationsTable } from '@ipay/db';
import { AppError } from '../../../errors/app-error';
import { domainError } from '../../../errors/domain-codes';
import { scopeFilter } from '../../../platform/data-scope';
import { fetchPage, type Page } from '../../../platform/pagination';
import { toTimestamp } from '../../../platform/time';
import { recordDomainEvent } from '../../events/service';
import { queueEmail } from '../../notifications/service';
import type { HeldRole } from '../../rbac/service';
import { invitationEmail, invitationLink } from '../emails/invitation';
import { AUTH_ERRORS } from '../errors';
import type { AuthSession } from '../schemas';
import { createUser, emailInUse, emailTaken, getUser, sessionFor } from '../service';
import { hashSingleUseToken, newSingleUseToken } from '../single-use-token';
import type { Keyring } from '../tokens';
import type {
  AcceptInvitationInput,
  Invitation,
  InvitationPreview,
  InviteMemberInput,
  ListInvitationsInput,
} from './schemas';
import {
  grantableRoles,
  lockOrganization,
  requireManageScope,
  targetOrganization,
  type ScopedRequest,
} from './service';

/** How long an invitation link works. */
export const INVITATION_TTL_DAYS = 7;
/** Accepts per client address: one budget for `POST /api/invitations/{token}/accept` and the page's form. */
export const INVITATION_ACCEPT_LIMIT = { name: 'invitation-accept', perIp: 30, windowSeconds: 900 } as const;

type InvitationRow = Selectable<UserInvitationsTable>;

async function rolesOfInvitations(db: DbExecutor, invitationIds: string[]): Promise<Map<string, HeldRole[]>> {
  const byInvitation = new Map<string, HeldRole[]>(invitationIds.map((id) => [id, []]));
  if (!invitationIds.length) return byInvitation;
  const rows = await db
    .selectFrom('user_invitation_roles')
    .innerJoin('roles', 'roles.id', 'user_invitation_roles.role_id')
    .select(['user_invitation_roles.invitation_id', 'roles.id', 'roles.system_key as key', 'roles.name'])
    .where('user_invitation_roles.invitation_id', 'in', invitationIds)
    .orderBy('roles.name')
    .execute();
  for (const { invitation_id, ...role } of rows) byInvitation.get(invitation_id)?.push(role);
  return byInvitation;
}

function invitationStatus(row: InvitationRow, now: Date): Invitation['status'] {
  if (row.status === 'pending' && row.expires_at <= now) return 'expired';
  return row.status;
}

function invitationRowToInvitation(row: InvitationRow, roles: HeldRole[], now = new Date()): Invitation {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    roles,
    status: invitationStatus(row, now),
    invitedBy: row.invited_by,
    expiresAt: toTimestamp(row.expires_at),
    createdAt: toTimestamp(row.created_at),
  };
}

/**
 * Invites someone by e-mail to join an organization with the given roles: a single-use link valid 7 days is
 * mailed (through the outbox, in this transaction). Inviting the same address to the same organization again
 * replaces the pending invitation (its link stops working). An address that already has an account is a 409
 * `email_taken`, as at sign-up; the invitee's account is created when they accept.
 */
export async function inviteMember(
  trx: DbTransaction,
  request: ScopedRequest & { input: InviteMemberInput; publicUrl: string },
): Promise<Invitation> {
  const { actor, input } = request;
  requireManageScope(request.scope);
  const organization = await targetOrganization(trx, request, input.organizationId);
  // Two invitations of one address at once would both find no pending one to replace.
  await lockOrganization(trx, organization.id);
  if (await emailInUse(trx, input.email)) throw emailTaken();
  const roles = await grantableRoles(trx, { actor, organization, roleIds: input.roleIds, field: 'roleIds' });

  await trx
    .updateTable('user_invitations')
    .set({ status: 'revoked', settled_at: sql<Date>`now()` })
    .where('organization_id', '=', organization.id)
    .where('email', '=', input.email)
    .where('status', '=', 'pending')
    .execute();
  const { token, hash } = newSingleUseToken();
  const row = await trx
    .insertInto('user_invitations')
    .values({
      organization_id: organization.id,
      email: input.email,
      token_hash: hash,
      invited_by: actor.userId,
      expires_at: sql<Date>`now() + make_interval(days => ${INVITATION_TTL_DAYS})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('user_invitation_roles')
    .values(roles.map((role) => ({ invitation_id: row.id, role_id: role.id })))
    .execute();

  const inviter = await trx
    .selectFrom('users')
    .select('name')
    .where('id', '=', actor.userId)
    .executeTakeFirst();
  await queueEmail(
    trx,
    invitationEmail({
      to: row.email,
      organizationName: organization.name,
      inviterName: inviter?.name ?? null,
      link: invitationLink(request.publicUrl, token),
      expiresAt: row.expires_at,
    }),
  );
  await recordDomainEvent(trx, {
    type: 'user.invited',
    resourceType: 'invitation',
    resourceId: row.id,
    organizationId: organization.id,
    actorUserId: actor.userId,
    data: {
      email: row.email,
      roleIds: roles.map((role) => role.id),
      expiresAt: toTimestamp(row.expires_at),
    },
  });
  const held = await rolesOfInvitations(trx, [row.id]);
  return invitationRowToInvitation(row, held.get(row.id) ?? []);
}

function visibleInvitations(db: DbExecutor, request: ScopedRequest) {
  return db
    .selectFrom('user_invitations')
    .selectAll()
    .where(scopeFilter(request.scope, request.actor, { organization: 'user_invitations.organization_id' }));
}

/** Pending invitations of an organization (the caller's own unless an operator names another), oldest first. */
export async function listInvitations(
  db: DbExecutor,
  request: ScopedRequest & { input: ListInvitationsInput },
): Promise<Page<Invitation>> {
  const { input } = request;
  const organization = await targetOrganization(db, request, input.organizationId);
  const query = visibleInvitations(db, request)
    .where('user_invitations.organization_id', '=', organization.id)
    .where('user_invitations.status', '=', 'pending')
    .where('user_invitations.expires_at', '>', sql<Date>`now()`);
  const page = await fetchPage(query, input, {
    orderBy: ['user_invitations.created_at', 'user_invitations.id'],
  });
  const roles = await rolesOfInvitations(
    db,
    page.items.map((row) => row.id),
  );
  return { ...page, items: page.items.map((row) => invitationRowToInvitation(row, roles.get(row.id) ?? [])) };
}

/** Revokes a pending invitation: its link stops working. Only pending invitations can be revoked (else 404). */
export async function revokeInvitation(
  trx: DbTransaction,
  request: ScopedRequest & { id: string },
): Promise<Invitation> {
  requireManageScope(request.scope);
  const row = await visibleInvitations(trx, request)
    .where('user_invitations.id', '=', request.id)
    .where('user_invitations.status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `No pending invitation ${request.id}.`);
  const revoked = await trx
    .updateTable('user_invitations')
    .set({ status: 'revoked', settled_at: sql<Date>`now()` })
    .where('id', '=', row.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordDomainEvent(trx, {
    type: 'user.invitation_revoked',
    resourceType: 'invitation',
    resourceId: row.id,
    organizationId: row.organization_id,
    actorUserId: request.actor.userId,
    data: { email: row.email },
  });
  const roles = await rolesOfInvitations(trx, [row.id]);
  return invitationRowToInvitation(revoked, roles.get(row.id) ?? []);
}

/** A usable invitation by its token; unknown is a 404, used, revoked or expired a 410 with its own code. */
function assertUsable(row: InvitationRow | undefined): InvitationRow {
  if (!row) throw new AppError('not_found', 'No invitation has this link.');
  if (row.status === 'accepted') {
    throw domainError(
      AUTH_ERRORS,
      'invitation_used',
      'This invitation was already accepted; sign in instead.',
    );
  }
  if (row.status === 'revoked') {
    throw domainError(
      AUTH_ERRORS,
      'invitation_revoked',
      'This invitation was revoked or replaced by a newer one; use the link in the latest e-mail.',
    );
  }
  if (row.expires_at <= new Date()) {
    throw domainError(AUTH_ERRORS, 'invitation_expired', 'This invitation has expired; ask for a new one.');
  }
  return row;
}

/** What the accept page shows: who is invited, where, until when. Public: the token is the credential. */
export async function previewInvitation(db: DbExecutor, token: string): Promise<InvitationPreview> {
  const row = assertUsable(
    await db
      .selectFrom('user_invitations')
      .selectAll()
      .where('token_hash', '=', hashSingleUseToken(token))
      .executeTakeFirst(),
  );
  const organization = await db
    .selectFrom('organizations')
    .select(['name', 'type'])
    .where('id', '=', row.organization_id)
    .executeTakeFirstOrThrow();
  return { email: row.email, organization, expiresAt: toTimestamp(row.expires_at) };
}

/**
 * Accepts an invitation: creates the invitee's account through `createUser` (the one way users come to exist;
 * `user.created` is recorded) with the invited roles and the chosen name and password, uses the invitation up,
 * and signs the new user in.
 */
export async function acceptInvitation(
  trx: DbTransaction,
  request: { keyring: Keyring; input: AcceptInvitationInput },
): Promise<AuthSession> {
  const { input } = request;
  const row = assertUsable(
    await trx
      .selectFrom('user_invitations')
      .selectAll()
      .where('token_hash', '=', hashSingleUseToken(input.token))
      .forUpdate()
      .executeTakeFirst(),
  );
  if (input.password.toLowerCase() === row.email) {
    throw AppError.validation('password', 'must not be your e-mail address', 'password_is_email');
  }
  const roles = await trx
    .selectFrom('user_invitation_roles')
    .select('role_id')
    .where('invitation_id', '=', row.id)
    .execute();
  const userId = await createUser(trx, {
    organizationId: row.organization_id,
    email: row.email,
    name: input.name,
    password: input.password,
    roleKey: null,
    roleIds: roles.map((role) => role.role_id),
    createdBy: row.invited_by,
  });
  await trx
    .updateTable('user_invitations')
    .set({ status: 'accepted', accepted_user_id: userId, settled_at: sql<Date>`now()` })
    .where('id', '=', row.id)
    .execute();
  await trx
    .updateTable('users')
    .set({ last_login_at: sql<Date>`now()` })
    .where('id', '=', userId)
    .execute();
  return sessionFor(request.keyring, await getUser(trx, userId));
}
