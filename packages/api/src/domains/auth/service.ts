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
import type { OrganizationType } from './schemas';
import type { AuthSession, CreateAdminInput, LoginInput, RegisterInput, User } from './schemas';
import { hashPassword, verifyPassword } from './passwords';
import { signAccessToken, type AccessTokenClaims, type Keyring } from './tokens';

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
export function hashForUnknownUser(): Promise<string> {
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

export async function getActor(db: DbExecutor, claims: AccessTokenClaims): Promise<Actor | undefined> {
  const row = await db
    .selectFrom('users')
    .innerJoin('organizations', 'organizations.id', 'users.organization_id')
    .select(['users.id', 'users.email', 'users.organization_id', 'organizations.type'])
    .where('users.id', '=', claims.userId)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  // A token minted for another organization (user moved) no longer speaks for this user.
  if (!row || row.organization_id !== claims.organizationId) return undefined;
  return {
    userId: row.id,
    email: row.email,
    organizationId: row.organization_id,
    organizationType: row.type,
    permissions: await getEffectivePermissions(db, row.id),
  };
}

function emailTaken(): AppError {
  return domainError(AUTH_ERRORS, 'email_taken', 'An account with this e-mail address already exists.', {
    errors: [{ field: 'email', message: 'is already registered', code: 'already_exists' }],
  });
}

async function insertUser(
  trx: DbTransaction,
  user: { organizationId: string; email: string; name: string; password: string },
): Promise<string> {
  const row = await trx
    .insertInto('users')
    .values({
      organization_id: user.organizationId,
      email: user.email,
      name: user.name,
      password_hash: await hashPassword(user.password),
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) throw emailTaken();
  return row.id;
}

function sessionFor(keyring: Keyring, user: User): AuthSession {
  const { token, expiresAt } = signAccessToken(keyring, {
    userId: user.id,
    organizationId: user.organization.id,
  });
  return { token, tokenType: 'Bearer', expiresAt: toTimestamp(expiresAt), user };
}

/** Creates a merchant organization with its first user as merchant admin, and signs that user in. */
export async function registerMerchant(
  trx: DbTransaction,
  keyring: Keyring,
  input: RegisterInput,
): Promise<AuthSession> {
  const organization = await trx
    .insertInto('organizations')
    .values({ name: input.organizationName, type: 'merchant' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const userId = await insertUser(trx, { ...input, organizationId: organization.id });
  await assignSystemRole(trx, { userId, roleKey: 'merchant_admin', assignedBy: null });
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
 * Signs a user in. Attempts are limited per client address and per account; every failure, whatever its
 * cause, is the same 401 so the answer never tells whether an e-mail address has an account.
 */
export async function login(
  db: Db,
  options: { keyring: Keyring; limits: LoginLimits; clientIp: string },
  input: LoginInput,
): Promise<AuthSession> {
  const { limit, windowSeconds } = options.limits;
  await consumeRateLimit(db, { key: `login:ip:${options.clientIp}`, limit, windowSeconds });
  await consumeRateLimit(db, { key: `login:account:${input.email}`, limit: limit * 2, windowSeconds });

  const user = await db
    .selectFrom('users')
    .select(['id', 'password_hash', 'status'])
    .where('email', '=', input.email)
    .executeTakeFirst();
  const passwordMatches = await verifyPassword(
    input.password,
    user?.password_hash ?? (await hashForUnknownUser()),
  );
  if (!user || !passwordMatches || user.status !== 'active') {
    throw domainError(AUTH_ERRORS, 'invalid_credentials', 'The e-mail address or password is incorrect.');
  }
  await db.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', user.id).execute();
  return sessionFor(options.keyring, await getUser(db, user.id));
}

async function operatorOrganizationId(trx: DbTransaction): Promise<string> {
  const existing = await trx
    .selectFrom('organizations')
    .select('id')
    .where('type', '=', 'operator')
    .orderBy('created_at')
    .executeTakeFirst();
  if (existing) return existing.id;
  const created = await trx
    .insertInto('organizations')
    .values({ name: OPERATOR_ORGANIZATION_NAME, type: 'operator' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return created.id;
}

/** Creates a platform admin in the operator organization (created on first use). */
export async function createPlatformAdmin(trx: DbTransaction, input: CreateAdminInput): Promise<User> {
  const organizationId = await operatorOrganizationId(trx);
  const userId = await insertUser(trx, { ...input, organizationId });
  await assignSystemRole(trx, { userId, roleKey: 'platform_admin', assignedBy: null });
  await recordDomainEvent(trx, {
    type: 'user.created',
    resourceType: 'user',
    resourceId: userId,
    organizationId,
    data: { email: input.email, systemRole: 'platform_admin' },
  });
  return getUser(trx, userId);
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
