import { createServer, type Server, type Socket } from 'node:net';
import { createPool, freePort } from '@ipay/db';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './database-unavailable';
import { toProblem } from './to-problem';

/** What node-postgres throws for an error the server reports: its message and SQLSTATE. */
function sqlError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'DatabaseError', code });
}

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  return work().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('database outage classification', () => {
  // Accepts TCP connections and never answers: a server that hangs.
  let silent: Server;
  let silentPort: number;
  const held = new Set<Socket>();
  beforeAll(async () => {
    silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('recognises a refused connection from node-postgres', async () => {
    const pool = createPool({ connectionString: `postgres://x:y@127.0.0.1:${await freePort()}/none` });
    const error = await failureOf(() => pool.query('select 1'));
    await pool.end();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('ends a connect that hangs with a timeout, and recognises it', async () => {
    const pool = createPool({
      connectionString: `postgres://x:y@127.0.0.1:${silentPort}/none`,
      connectionTimeoutMillis: 200,
      onError: () => undefined,
    });
    const error = await failureOf(() => pool.query('select 1'));
    await pool.end();
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['admin shutdown', sqlError('57P01', 'terminating connection due to administrator command')],
    [
      'crash shutdown',
      sqlError('57P02', 'terminating connection because of crash of another server process'),
    ],
    ['starting up', sqlError('57P03', 'the database system is starting up')],
    ['connection failure (class 08)', sqlError('08006', 'connection failure')],
    ['too many connections', sqlError('53300', 'sorry, too many clients already')],
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    [
      'a client that lost its connection',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['a full pool that never freed a client', new Error('timeout exceeded when trying to connect')],
    ['a reset socket', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    [
      'one of several addresses',
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]),
    ],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error }))).toBe(true);
  });

  it.each([
    ['a unique violation', sqlError('23505', 'duplicate key value violates unique constraint')],
    ['bad input syntax', sqlError('22P02', 'invalid input syntax for type uuid')],
    ['a bug', new Error('Cannot read properties of undefined')],
    [
      'an outside service that is down (fetch)',
      new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
    ],
    ['something that is not an error', 'ECONNREFUSED'],
  ])('leaves %s alone', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('answers 503 service_unavailable with Retry-After, through tRPC as well', () => {
    const cause = sqlError('57P01', 'terminating connection due to administrator command');
    for (const error of [cause, new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause })]) {
      const { kind, problem, retryAfterSeconds } = toProblem(error, 'trace-1');
      expect(kind).toBe('service_unavailable');
      expect(problem.status).toBe(503);
      expect(problem.detail).toMatch(/database is unreachable/);
      expect(problem.detail).not.toMatch(/administrator/);
      expect(retryAfterSeconds).toBe(5);
    }
  });
});
