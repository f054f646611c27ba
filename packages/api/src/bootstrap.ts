import type { Db, DbPool } from '@ipay/db';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { AppDeps } from './context';
import { ActorCache } from './domains/auth/actor-cache';
import { createPlatformAdmin, hasPlatformAdmin } from './domains/auth/service';
import { CreateAdminInput } from './domains/auth/schemas';
import { loadJwtKeys } from './domains/auth/keyring-file';
import { createKeyring } from './domains/auth/tokens';
import { DOMAINS } from './domains';
import { ensureSystemRoles } from './domains/rbac/service';
import { fieldErrorsFromIssues } from './errors/to-problem';
import { loadEncryptionKey } from './platform/encryption-key-file';
import { PdfRenderer } from './platform/pdf';
import { domainRoleDefaults } from './platform/registry';

export async function createAppDeps(
  config: Config,
  database: { db: Db; pool: DbPool },
  logger: Logger,
): Promise<AppDeps> {
  const { db, pool } = database;
  return {
    config,
    db,
    pool,
    logger,
    keyring: createKeyring(await loadJwtKeys(config)),
    encryptionKey: await loadEncryptionKey(config),
    actors: new ActorCache(config.actorCache),
    pdf: new PdfRenderer(config.pdf, logger),
  };
}

/** Ends what `createAppDeps` started (the PDF browser, if a PDF was rendered); the caller closes the database. */
export async function closeAppDeps(deps: AppDeps): Promise<void> {
  await deps.pdf.close();
}

export type InitialAdminOutcome = 'created' | 'exists' | 'not-configured';

/**
 * Brings a migrated database to a usable state: system roles reconciled with their defaults, and on first
 * start the platform admin from IPAY_ADMIN_EMAIL / IPAY_ADMIN_PASSWORD. Idempotent; every process may run it.
 */
export async function preparePlatform(db: Db, config: Config): Promise<InitialAdminOutcome> {
  await ensureSystemRoles(db, domainRoleDefaults(DOMAINS));
  if (await hasPlatformAdmin(db)) return 'exists';
  if (!config.initialAdmin) return 'not-configured';
  const parsed = CreateAdminInput.safeParse({ ...config.initialAdmin, name: 'Platform admin' });
  if (!parsed.success) {
    const problems = fieldErrorsFromIssues(parsed.error.issues).map((e) => `${e.field} ${e.message}`);
    throw new Error(`IPAY_ADMIN_EMAIL/IPAY_ADMIN_PASSWORD rejected: ${problems.join('; ')}`);
  }
  await db.transaction().execute((trx) => createPlatformAdmin(trx, parsed.data));
  return 'created';
}
