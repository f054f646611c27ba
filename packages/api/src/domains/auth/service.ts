import { randomBytes } from 'node:crypto';
import type { Db, DbExecutor, DbTransaction } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { AUTH_ERRORS } from './errors';
import { consumeRateLimit } from '../../platform/rate-limit';
import { toTimestamp } from '../../platform/time';
import { recordDomainEvent } from '../events/service';
import type { Permission } from '../rbac/catalogue';
import { assignSystemRole, getEffectivePermissions } from '../rbac/service';
import type { SystemRoleKey } from '../rbac/service';
import type { OrganizationType } from './schemas';
import type { AuthSession, CreateAdminInput, LoginInput, RegisterInput, User } from './schemas';
import { hashPassword, verifyPassword } from './passwords';
import {
  issuedBeforeCutoff,
  signAccessToken,
  signOutCutoff,
  type AccessTokenClaims,
  type Keyring,
  type TokenSubject,
} from './tokens';

// The iQpay sign-in answers in its own shape, with a token signed the one way every sign-in signs it.
export { ACCESS_TOKEN_TTL_SECONDS, signAccessToken, type Keyring } from './tokens';
export {
  CONSUMER_TOKEN_TTL_SECONDS,
  signConsumerToken,
  verifyConsumerToken,
  type ConsumerTokenClaims,
  type VerifiedConsumerToken,
} from './tokens';
export { hashSingleUseToken, newSingleUseToken } from './single-use-token';

/** The signed-in user a request acts as, with permissions merged across all their roles. */
export interface Actor {
  userId: string;
  email: string;
  organizationId: string;
  organizationType: OrganizationType;
  permissions: Permission[];
}

const OPERATOR_ORGANIZATION_NAME = 'IPAY';

// Compared against when the account is unknown, so "no such user" costs the same time as "wrong password".
let unknownUserHash: Promise<string> | undefined;
function hashForUnknownUser(): Promise<string> {
  unknownUserHash ??= hashPassword(randomBytes(16).toString('hex'));
  return unknownUserHash;
}

export async function getUser(db: DbExecutor, userId: string): Promise<User> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.status',
      'users.created_at',
      'users.last_login_at',
      'organizations.id as organization_id',
      'organizations.name as organization_name',
      'organizations.type as organization_type',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `User ${userId} does not exist.`);
  const roles = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select(['roles.id', 'roles.system_key as key', 'roles.name'])
    .where('user_roles.user_id', '=', userId)
    .orderBy('roles.name')
    .execute();
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    status: row.status,
    organization: {
      id: row.organization_id,
      name: row.organization_name,
      type: row.organization_type,
    },
    roles,
    createdAt: toTimestamp(row.created_at),
    lastLoginAt: row.last_login_at ? toTimestamp(row.last_login_at) : null,
  };
}

/** An active user as an actor, with the sign-out-everywhere cut-off their tokens are checked against. */
export interface ActorRecord {
  actor: Actor;
  tokensValidAfter: Date | null;
}

/** The actor record of an active user; undefined for an unknown, disabled or removed one. */
export async function loadActorRecord(db: DbExecutor, userId: string): Promise<ActorRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select([
      'users.id',
      'users.email',
      'users.organization_id',
      'users.tokens_valid_after',
      'organizations.type',
    ])
    .where('users.id', '=', userId)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    actor: {
      userId: row.id,
      email: row.email,
      organizationId: row.organization_id,
      organizationType: row.type,
      permissions: await getEffectivePermissions(db, row.id),
    },
    tokensValidAfter: row.tokens_valid_after,
  };
}

/**
 * Whether a record speaks for a token's claims: a token minted for another organization (the user moved) does
 * not, and with `issuedAt` (a bearer token's `iat`) neither does one issued before the user's sign-out-everywhere
 * cut-off (`tokens_valid_after`).
 */
export function actorForClaims(
  record: ActorRecord | undefined,
  claims: AccessTokenClaims & { issuedAt?: number },
): Actor | undefined {
  if (!record || record.actor.organizationId !== claims.organizationId) return undefined;
  if (claims.issuedAt !== undefined && issuedBeforeCutoff(claims.issuedAt, record.tokensValidAfter)) {
    return undefined;
  }
  return record.actor;
}

/** The active user a token (or stored work) speaks for, read from the database now (see `actorForClaims`). */
export async function getActor(
  db: DbExecutor,
  claims: AccessTokenClaims & { issuedAt?: number },
): Promise<Actor | undefined> {
  return actorForClaims(await loadActorRecord(db, claims.userId), claims);
}

export function emailTaken(): AppError {
  return domainError(AUTH_ERRORS, 'email_taken', 'An account with this e-mail address already exists.', {
    errors: [{ field: 'email', message: 'is already registered', code: 'already_exists' }],
  });
}

function usernameTaken(): AppError {
  return domainError(AUTH_ERRORS, 'username_taken', 'This username is already in use.', {
    errors: [{ field: 'username', message: 'is already in use', code: 'already_exists' }],
  });
}

/** Organizations of every kind are created here, and only here. */
export async function createOrganization(
  trx: DbTransaction,
  organization: { name: string; type: OrganizationType },
): Promise<{ id: string; name: string; created_at: Date }> {
  return trx
    .insertInto('organizations')
    .values(organization)
    .returning(['id', 'name', 'created_at'])
    .executeTakeFirstOrThrow();
}

export interface NewUser {
  organizationId: string;
  email: string;
  /** Sponsor users also sign in by username (the iQpay sign-in). */
  username?: string;
  name: string;
  password: string;
  /** The system role the user gets; null when `roleIds` names all their roles (an accepted invitation). */
  roleKey: SystemRoleKey | null;
  /** More roles, by id, already checked by the caller as the organization's to give. */
  roleIds?: string[];
  /** Who created the user; null for self-registration and the CLI. */
  createdBy: string | null;
}

/** Whether an account (not removed) signs in with this e-mail address; `createUser` decides for good. */
export async function emailInUse(db: DbExecutor, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email.toLowerCase())
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The one way a user comes to exist: e-mail and username are each unique across the platform, decided by the
 * database so two concurrent creations cannot both win; the user gets their system role, and `user.created`
 * is recorded in the same transaction.
 */
export async function createUser(trx: DbTransaction, user: NewUser): Promise<string> {
  const row = await trx
    .insertInto('users')
    .values({
      organization_id: user.organizationId,
      email: user.email,
      username: user.username ?? null,
      name: user.name,
      password_hash: await hashPassword(user.password),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    const taken = user.username
      ? await trx
          .selectFrom('users')
          .select('id')
          .where('username', '=', user.username)
          .where('removed_at', 'is', null)
          .executeTakeFirst()
      : undefined;
    throw taken ? usernameTaken() : emailTaken();
  }
  if (user.roleKey) {
    await assignSystemRole(trx, { userId: row.id, roleKey: user.roleKey, assignedBy: user.createdBy });
  }
  if (user.roleIds?.length) {
    await trx
      .insertInto('user_roles')
      .values(
        user.roleIds.map((roleId) => ({ user_id: row.id, role_id: roleId, assigned_by: user.createdBy })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'role_id']).doNothing())
      .execute();
  }
  await recordDomainEvent(trx, {
    type: 'user.created',
    resourceType: 'user',
    resourceId: row.id,
    organizationId: user.organizationId,
    actorUserId: user.createdBy,
    data: {
      email: user.email,
      systemRole: user.roleKey,
      ...(user.roleIds ? { roleIds: user.roleIds } : {}),
    },
  });
  return row.id;
}

/** A session for a user; `tokensValidAfter` is their sign-out-everywhere cut-off, if any. */
export function sessionFor(keyring: Keyring, user: User, tokensValidAfter: Date | null = null): AuthSession {
  const { token, expiresAt } = signAccessToken(keyring, {
    userId: user.id,
    organizationId: user.organization.id,
    tokensValidAfter,
  });
  return { token, tokenType: 'Bearer', expiresAt: toTimestamp(expiresAt), user };
}

/** Creates a merchant organization with its first user as merchant admin, and signs that user in. */
export async function registerMerchant(
  trx: DbTransaction,
  keyring: Keyring,
  input: RegisterInput,
): Promise<AuthSession> {
  const organization = await createOrganization(trx, { name: input.organizationName, type: 'merchant' });
  const userId = await createUser(trx, {
    ...input,
    organizationId: organization.id,
    roleKey: 'merchant_admin',
    createdBy: null,
  });
  await recordDomainEvent(trx, {
    type: 'organization.registered',
    resourceType: 'organization',
    resourceId: organization.id,
    organizationId: organization.id,
    actorUserId: userId,
    data: { organizationType: 'merchant', adminUserId: userId },
  });
  return sessionFor(keyring, await getUser(trx, userId));
}

export interface LoginLimits {
  limit: number;
  windowSeconds: number;
}

/**
 * The one password check behind every sign-in (the e-mail login and the iQpay username sign-in): attempts
 * limited per client address and per account, the same time spent whether or not the account exists, and the
 * same 401 for every failure so the answer never tells whether an account exists. Returns who signed in.
 */
export async function checkPassword(
  db: Db,
  options: { limits: LoginLimits; clientIp: string },
  account: { email: string } | { username: string },
  password: string,
): Promise<TokenSubject> {
  const { limit, windowSeconds } = options.limits;
  const [column, value, bucket, wording] =
    'email' in account
      ? (['email', account.email, 'account', 'e-mail address'] as const)
      : (['username', account.username, 'username', 'username'] as const);
  await consumeRateLimit(db, { key: `login:ip:${options.clientIp}`, limit, windowSeconds });
  await consumeRateLimit(db, { key: `login:${bucket}:${value}`, limit: limit * 2, windowSeconds });
  const user = await db
    .selectFrom('users')
    .select(['id', 'organization_id', 'password_hash', 'status', 'tokens_valid_after'])
    .where(column, '=', value)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  const passwordMatches = await verifyPassword(password, user?.password_hash ?? (await hashForUnknownUser()));
  if (!user || !passwordMatches || user.status !== 'active') {
    throw domainError(AUTH_ERRORS, 'invalid_credentials', `The ${wording} or password is incorrect.`);
  }
  await db.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
  return { userId: user.id, organizationId: user.organization_id, tokensValidAfter: user.tokens_valid_after };
}

/**
 * Signs a user in. Attempts are limited per client address and per account; every failure, whatever its
 * cause, is the same 401 so the answer never tells whether an e-mail address has an account.
 */
export async function login(
  db: Db,
  options: { keyring: Keyring; limits: LoginLimits; clientIp: string },
  input: LoginInput,
): Promise<AuthSession> {
  const { userId, tokensValidAfter } = await checkPassword(
    db,
    options,
    { email: input.email },
    input.password,
  );
  return sessionFor(options.keyring, await getUser(db, userId), tokensValidAfter);
}

async function operatorOrganizationId(trx: DbTransaction): Promise<string> {
  const existing = await trx
    .selectFrom('organizations')
    .select('id')
    .where('type', '=', 'operator')
    .orderBy('created_at')
    .executeTakeFirst();
  if (existing) return existing.id;
  const created = await createOrganization(trx, { name: OPERATOR_ORGANIZATION_NAME, type: 'operator' });
  return created.id;
}

/** Creates a platform admin in the operator organization (created on first use). */
export async function createPlatformAdmin(trx: DbTransaction, input: CreateAdminInput): Promise<User> {
  const organizationId = await operatorOrganizationId(trx);
  const userId = await createUser(trx, {
    ...input,
    organizationId,
    roleKey: 'platform_admin',
    createdBy: null,
  });
  return getUser(trx, userId);
}

/**
 * Disables or enables an account for a domain that manages its own kind of users (sponsor users). Disabling
 * also signs the account out everywhere: every token issued before is refused for good, also after enabling.
 */
export async function setAccountStatus(
  trx: DbTransaction,
  userId: string,
  status: 'active' | 'disabled',
): Promise<void> {
  if (status === 'active') {
    await trx.updateTable('users').set({ status }).where('id', '=', userId).execute();
    return;
  }
  const user = await trx
    .selectFrom('users')
    .select('tokens_valid_after')
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('users')
    .set({ status, tokens_valid_after: signOutCutoff(user.tokens_valid_after) })
    .where('id', '=', userId)
    .execute();
}

export async function hasPlatformAdmin(db: DbExecutor): Promise<boolean> {
  const row = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select('user_roles.user_id')
    .where('roles.system_key', '=', 'platform_admin')
    .executeTakeFirst();
  return row !== undefined;
}
