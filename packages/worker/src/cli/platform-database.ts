import path from 'node:path';
import type { Config } from '@ipay/api';
import { createDatabase, migrateToLatest, openLocalPostgres, type DatabaseHandle } from '@ipay/db';
import type { Logger } from 'pino';

export interface PlatformDatabase extends DatabaseHandle {
  /** Where the data lives, for the banner: the configured server or the embedded folder. */
  location: string;
  /** Closes the pool and, when this process started the embedded server, stops it. */
  shutdown(): Promise<void>;
}

/**
 * DATABASE_URL when set (production: any number of processes share it); otherwise the embedded PostgreSQL
 * in the data folder, started here or reused when another local process already runs it. Migrated either way.
 */
export async function openPlatformDatabase(config: Config, logger: Logger): Promise<PlatformDatabase> {
  let connectionString = config.databaseUrl;
  let stopServer = (): Promise<void> => Promise.resolve();
  let location = 'DATABASE_URL';
  if (!connectionString) {
    const local = await openLocalPostgres({
      folder: config.dataDir,
      port: config.embeddedPostgresPort,
      log: (line) => logger.debug({ postgres: line }),
      onSupervision: (level, message) => logger[level]({ component: 'embedded-postgres' }, message),
    });
    connectionString = local.connectionString('postgres');
    stopServer = () => local.stop();
    location = `embedded PostgreSQL on 127.0.0.1:${config.embeddedPostgresPort}, data in ${path.join(config.dataDir, 'postgres')}${local.startedHere ? '' : ' (already running)'}`;
  }
  const handle = createDatabase({
    connectionString,
    max: config.databasePoolSize,
    onError: (error) =>
      logger.warn({ code: (error as { code?: string }).code }, `database connection lost: ${error.message}`),
  });
  try {
    await migrateToLatest(handle.db, handle.pool);
  } catch (error) {
    await handle.close();
    await stopServer();
    throw error;
  }
  return {
    ...handle,
    location,
    shutdown: async () => {
      await handle.close();
      await stopServer();
    },
  };
}
