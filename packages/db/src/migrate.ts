import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { runMigrations as runJobQueueMigrations } from 'graphile-worker';
import type pg from 'pg';
import { migrations } from '../migrations';

function createMigrator<DB>(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  });
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Brings the schema and the job queue's own schema to the latest version; safe to run from many processes. */
export async function migrateToLatest<DB>(db: Kysely<DB>, pool: pg.Pool): Promise<string[]> {
  const { error, results = [] } = await createMigrator(db).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} failed` : 'could not migrate the database';
    throw new MigrationError(
      `${what}: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      results,
    );
  }
  await runJobQueueMigrations({ pgPool: pool });
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export interface MigrationStatus {
  current: boolean;
  pending: string[];
}

export async function getMigrationStatus<DB>(db: Kysely<DB>): Promise<MigrationStatus> {
  const migrations = await createMigrator(db).getMigrations();
  const pending = migrations.filter((m) => m.executedAt === undefined).map((m) => m.name);
  return { current: pending.length === 0, pending };
}
