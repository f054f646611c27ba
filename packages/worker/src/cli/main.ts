import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  addJob,
  AppError,
  ConfigError,
  createLogger,
  createPlatformAdmin,
  CreateAdminInput,
  fieldErrorsFromIssues,
  JOB_CATALOGUE,
  JOB_NAMES,
  listJobs,
  loadConfig,
  loadEncryptionKey,
  preparePlatform,
  retryJob,
  type Config,
} from '@ipay/api';
import type { Logger } from 'pino';
import { runDueJobsOnce } from '../runner';
import { openPlatformDatabase, type PlatformDatabase } from './platform-database';
import { startPlatform } from './start';
import { scaffoldDomain } from './new-domain';
import { startWebhookListener } from './webhook-listener';

const USAGE = `Usage: pnpm ipay <command>

  start [--api-only | --worker-only]    start the platform (default: API and worker)
  migrate                               apply pending migrations and seed system roles
  users create-admin --email E --name N (--password P | --password-stdin)
                                        create a platform admin (IPAY operator)
  jobs add <task> [payload-json] [--run-at ISO] [--job-key K]
  jobs list [--failed] [--limit N]      pending and failing jobs
  jobs retry <id>                       make a job due now with fresh attempts
  jobs run-once                         run every due job, then exit
  jobs tasks                            the task catalogue
  webhooks listen [--port 4000] [--secret whsec_…]
                                        receive webhooks on this machine: print each delivery
                                        and verify its signature (needs WEBHOOK_ALLOW_PRIVATE_URLS=true)
  new-domain <name>                     scaffold packages/api/src/domains/<name>, its docs page and its
                                        line in DOMAINS (see docs/adding-a-domain.md)

Environment: see .env.example (DATABASE_URL unset = embedded PostgreSQL in .data/).`;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function withDatabase<T>(
  config: Config,
  logger: Logger,
  work: (database: PlatformDatabase) => Promise<T>,
): Promise<T> {
  const database = await openPlatformDatabase(config, logger);
  try {
    await preparePlatform(database.db, config);
    return await work(database);
  } finally {
    await database.shutdown();
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function createAdmin(config: Config, logger: Logger, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    },
  });
  const password = values['password-stdin'] ? await readStdin() : values.password;
  const parsed = CreateAdminInput.safeParse({ email: values.email, name: values.name, password });
  if (!parsed.success) {
    const fields = fieldErrorsFromIssues(parsed.error.issues).map((e) => `  --${e.field}: ${e.message}`);
    throw new UsageError(`create-admin needs valid options:\n${fields.join('\n')}`);
  }
  const user = await withDatabase(config, logger, (database) =>
    database.db.transaction().execute((trx) => createPlatformAdmin(trx, parsed.data)),
  );
  process.stdout.write(
    `Platform admin ${user.email} created (user ${user.id}). Sign in with POST /api/auth/login.\n`,
  );
}

function parsePayload(text: string | undefined): unknown {
  if (text === undefined) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`payload must be JSON, e.g. '{"eventId":"…"}'; got: ${text}`);
  }
}

async function jobs(config: Config, logger: Logger, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      failed: { type: 'boolean' },
      limit: { type: 'string' },
      'run-at': { type: 'string' },
      'job-key': { type: 'string' },
    },
  });
  const [action, ...rest] = positionals;
  switch (action) {
    case 'tasks':
      return print(Object.fromEntries(JOB_NAMES.map((name) => [name, JOB_CATALOGUE[name].description])));
    case 'add': {
      const [task, payload] = rest;
      if (!task) throw new UsageError(`jobs add needs a task: ${JOB_NAMES.join(', ')}`);
      const runAt = values['run-at'] ? new Date(values['run-at']) : undefined;
      if (runAt && Number.isNaN(runAt.getTime()))
        throw new UsageError('--run-at must be an ISO 8601 date-time');
      const id = await withDatabase(config, logger, ({ db }) =>
        addJob(db, { task, payload: parsePayload(payload), options: { runAt, jobKey: values['job-key'] } }),
      );
      return print({ id, task });
    }
    case 'list': {
      const limit = values.limit ? Number(values.limit) : 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new UsageError('--limit must be 1 to 500');
      return print(
        await withDatabase(config, logger, ({ db }) =>
          listJobs(db, { failed: values.failed ?? false, limit }),
        ),
      );
    }
    case 'retry': {
      const [id] = rest;
      if (!id) throw new UsageError('jobs retry needs a job id (see jobs list --failed)');
      return print(await withDatabase(config, logger, ({ db }) => retryJob(db, id)));
    }
    case 'run-once':
      await withDatabase(config, logger, async ({ db, pool }) =>
        runDueJobsOnce({ db, pool, logger, config, encryptionKey: await loadEncryptionKey(config) }),
      );
      return;
    default:
      throw new UsageError(`unknown jobs command "${action ?? ''}"\n\n${USAGE}`);
  }
}

async function listenForWebhooks(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string', default: '4000' }, secret: { type: 'string' } },
  });
  if (positionals[0] !== 'listen')
    throw new UsageError(`unknown webhooks command "${positionals[0] ?? ''}"\n\n${USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError('--port must be 1 to 65535');
  if (values.secret !== undefined && !/^whsec_[A-Za-z0-9+/=]+$/.test(values.secret))
    throw new UsageError('--secret must be the endpoint secret as IPAY showed it: whsec_…');
  await startWebhookListener({
    host: '127.0.0.1',
    port,
    secret: values.secret,
    write: (text) => process.stdout.write(text),
  });
  process.stdout.write(
    `Listening for webhooks on http://localhost:${port}/ (${values.secret ? 'verifying signatures' : 'not verifying: pass --secret'}). Ctrl-C stops.\n`,
  );
  process.once('SIGINT', () => process.exit(0));
  process.once('SIGTERM', () => process.exit(0));
}

/** Run from the repository root (`pnpm ipay` is). */
async function newDomain(args: string[]): Promise<void> {
  const [name] = args;
  if (!name) throw new UsageError(`new-domain needs a name\n\n${USAGE}`);
  const written = await scaffoldDomain(process.cwd(), name).catch((error: unknown) => {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  });
  process.stdout.write(
    `${written.map((file) => `wrote ${file}`).join('\n')}\nNext: give its procedures permissions, then pnpm openapi (docs/adding-a-domain.md).\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') return void process.stdout.write(`${USAGE}\n`);
  // Needs no configuration or database: it stands in for a merchant's own server.
  if (command === 'webhooks') return listenForWebhooks(args);
  if (command === 'new-domain') return newDomain(args);
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(config);
  switch (command) {
    case 'start': {
      const { values } = parseArgs({
        args,
        options: { 'api-only': { type: 'boolean' }, 'worker-only': { type: 'boolean' } },
      });
      if (values['api-only'] && values['worker-only'])
        throw new UsageError('choose --api-only or --worker-only, not both');
      return startPlatform(config, logger, { api: !values['worker-only'], worker: !values['api-only'] });
    }
    case 'migrate':
      await withDatabase(config, logger, () => Promise.resolve());
      return void process.stdout.write('Database migrated and system roles seeded.\n');
    case 'users':
      if (args[0] !== 'create-admin')
        throw new UsageError(`unknown users command "${args[0] ?? ''}"\n\n${USAGE}`);
      return createAdmin(config, logger, args.slice(1));
    case 'jobs':
      return jobs(config, logger, args);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function explain(error: unknown): { message: string; exitCode: number } {
  if (error instanceof UsageError || error instanceof ConfigError)
    return { message: error.message, exitCode: 2 };
  if (error instanceof AppError) {
    const fields = (error.errors ?? []).map((e) => `\n  ${e.field}: ${e.message}`).join('');
    return { message: `${error.detail}${fields}`, exitCode: error.status < 500 ? 2 : 1 };
  }
  if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    return { message: (error as Error).message, exitCode: 2 };
  return { message: error instanceof Error ? (error.stack ?? error.message) : String(error), exitCode: 1 };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const { message, exitCode } = explain(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(exitCode);
});
