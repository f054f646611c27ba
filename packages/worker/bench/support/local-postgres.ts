import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createDatabase,
  freePort,
  migrateToLatest,
  startEmbeddedPostgres,
  type DatabaseHandle,
} from '@ipay/db';

export interface BenchDatabase extends DatabaseHandle {
  connectionString: string;
  /** Closes the pool, stops PostgreSQL and deletes its data folder. */
  stop(): Promise<void>;
}

/**
 * A throwaway embedded PostgreSQL with the migrated schema, as the tests start one, so that `pnpm bench` needs
 * nothing but `pnpm install`. Its data lives in a temp folder that stop() removes.
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const dataRoot = await mkdtemp(path.join(tmpdir(), 'ipay-bench-pg-'));
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dataRoot, 'data'),
    port: await freePort(),
    password: randomBytes(12).toString('hex'),
  });
  const connectionString = server.connectionString('postgres');
  // Pool size as the API and worker get by default; the import itself uses one connection at a time.
  let stopping = false;
  const handle = createDatabase({
    connectionString,
    max: 10,
    applicationName: 'ipay-bench',
    // A connection the server ends while the benchmark shuts down is expected, not worth a line in its report.
    onError: (error) => {
      if (!stopping) process.stderr.write(`postgres pool: ${error.message}\n`);
    },
  });
  try {
    await migrateToLatest(handle.db, handle.pool);
  } catch (error) {
    await handle.close();
    await server.stop();
    throw error;
  }
  return {
    ...handle,
    connectionString,
    stop: async () => {
      stopping = true;
      await handle.close();
      await server.stop();
      await rm(dataRoot, { recursive: true, force: true });
    },
  };
}
