import {
  buildServer,
  closeAppDeps,
  createAppDeps,
  preparePlatform,
  type Config,
  type InitialAdminOutcome,
} from '@ipay/api';
import type { Logger } from 'pino';
import { startSupervisedWorker } from '../supervised-worker';
import { openPlatformDatabase } from './platform-database';

/** A second signal this soon after the first is the same request delivered twice, not an insistence. */
const DUPLICATE_SIGNAL_MS = 1_000;

export interface StartOptions {
  api: boolean;
  worker: boolean;
}

function banner(config: Config, options: StartOptions, location: string, admin: InitialAdminOutcome): string {
  const base = config.publicUrl;
  const lines = ['', 'IPAY platform is running', `  database  ${location}`];
  if (options.api) {
    lines.push(
      `  API       ${base}/api   (tRPC at ${base}/trpc)`,
      `  docs      ${base}/docs   (OpenAPI at ${base}/api/openapi.json)`,
    );
  }
  lines.push(
    `  worker    ${options.worker ? `on, ${config.workerConcurrency} concurrent jobs, crontab active` : 'off in this process'}`,
    '',
  );
  if (admin === 'created')
    lines.push(`Platform admin created from IPAY_ADMIN_EMAIL (${config.initialAdmin?.email}).`);
  if (admin === 'not-configured') {
    lines.push(
      'No platform admin yet. Create one with:',
      '  pnpm ipay users create-admin --email admin@example.com --name "Ada Admin" --password \'<at least 10 characters>\'',
      '(or set IPAY_ADMIN_EMAIL and IPAY_ADMIN_PASSWORD before the first start).',
    );
  }
  lines.push(
    'Sign in:',
    `  curl -s -X POST ${base}/api/auth/login -H 'content-type: application/json' -d '{"email":"…","password":"…"}'`,
    'Register a merchant:',
    `  curl -s -X POST ${base}/api/auth/register -H 'content-type: application/json' \\`,
    `    -d '{"organizationName":"Shop BV","name":"Sam Shop","email":"sam@shop.example","password":"correct horse battery"}'`,
    '',
    'Ctrl-C stops everything.',
    '',
  );
  return lines.join('\n');
}

/** Starts the API and/or the worker on one database, and stops them all, embedded PostgreSQL last, on a signal. */
export async function startPlatform(config: Config, logger: Logger, options: StartOptions): Promise<void> {
  const database = await openPlatformDatabase(config, logger);
  const stops: Array<() => Promise<void>> = [];
  try {
    const admin = await preparePlatform(database.db, config);
    const deps = await createAppDeps(config, database, logger);
    // Stopped last (stops run in reverse): the API may still be rendering a PDF while it drains.
    stops.push(() => closeAppDeps(deps));
    if (options.api) {
      const server = await buildServer(deps);
      await server.listen({ host: config.host, port: config.port });
      stops.push(() => server.close());
    }
    if (options.worker) {
      const worker = await startSupervisedWorker({
        db: database.db,
        config,
        encryptionKey: deps.encryptionKey,
        pool: database.pool,
        logger,
        concurrency: config.workerConcurrency,
      });
      stops.push(() => worker.stop());
    }
    process.stdout.write(banner(config, options, database.location, admin));
  } catch (error) {
    await Promise.allSettled(stops.map((stop) => stop()));
    await database.shutdown();
    throw error;
  }

  let stoppingSince: number | undefined;
  const stop = async (signal: string) => {
    if (stoppingSince !== undefined) {
      // Ctrl-C reaches both pnpm and this process, and pnpm forwards it: the same keypress arrives twice.
      if (Date.now() - stoppingSince < DUPLICATE_SIGNAL_MS) return;
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stoppingSince = Date.now();
    logger.info(`${signal}: stopping`);
    await Promise.allSettled(stops.reverse().map((s) => s()));
    await database.shutdown();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
