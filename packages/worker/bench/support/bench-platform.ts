import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import {
  buildServer,
  closeAppDeps,
  createAppDeps,
  createLogger,
  loadConfig,
  preparePlatform,
  type AppDeps,
} from '@ipay/api';
import type { BenchDatabase } from './local-postgres';

export interface BenchPlatform {
  deps: AppDeps;
  server: Awaited<ReturnType<typeof buildServer>>;
  baseUrl: string;
  close(): Promise<void>;
}

export interface BenchPlatformOptions {
  /** Where the server's log lines go (with `LOG_LEVEL` in `env`); standard output when unset. */
  logFile?: string;
}

/**
 * The real HTTP server on a loopback port, configured as the tests configure it (silent logs, generated keys),
 * on the benchmark's own database. `env` adds settings such as the upload limits, or `LOG_LEVEL: 'info'` with
 * `options.logFile` to pay for logging as production does.
 */
export async function startBenchPlatform(
  database: BenchDatabase,
  env: Record<string, string> = {},
  options: BenchPlatformOptions = {},
): Promise<BenchPlatform> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-bench-data-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    JWT_KEYS: `bench-key:${randomBytes(32).toString('hex')}`,
    IPAY_DATA_DIR: dataDir,
    IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...env,
  });
  await preparePlatform(database.db, config);
  // Synchronous writes, as pino writes to standard output by default in production.
  const destination = options.logFile ? pino.destination({ dest: options.logFile, sync: true }) : undefined;
  const deps = await createAppDeps(config, database, createLogger(config, 'ipay', destination));
  const server = await buildServer(deps);
  const baseUrl = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    deps,
    server,
    baseUrl,
    close: async () => {
      await server.close();
      await closeAppDeps(deps);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
