import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from './free-port';
import { Listener, type ListenerOptions } from './listen';
import { createPool, type DbPool } from './pool';
import { createTestDatabase, until, type TestDatabase } from './testing';

describe('Listener: LISTEN on a connection of its own that keeps itself listening', () => {
  let database: TestDatabase;
  const pools: DbPool[] = [];
  const listeners: Listener[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(listeners.splice(0).map((listener) => listener.stop()));
  });
  afterAll(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await database.drop();
  });

  /** A pool of its own, named so that pg_stat_activity shows every connection made with its settings. */
  function namedPool(connectionString = database.connectionString) {
    const applicationName = `ipay-listen-${randomBytes(4).toString('hex')}`;
    const pool = createPool({ connectionString, applicationName, onError: () => undefined });
    pools.push(pool);
    return { pool, applicationName };
  }

  async function connectionsNamed(applicationName: string): Promise<number> {
    const { rows } = await sql<{
      count: number;
    }>`select count(*)::int as count from pg_stat_activity where application_name = ${applicationName}`.execute(
      database.db,
    );
    return rows[0]?.count ?? -1;
  }

  function notify(channel: string, payload: string) {
    return sql`select pg_notify(${channel}, ${payload})`.execute(database.db);
  }

  /** A listener that records what it is told and logs. */
  function recordingListener(options: Partial<ListenerOptions> & Pick<ListenerOptions, 'pool' | 'channels'>) {
    const seen = { heard: [] as string[], connects: 0, losses: 0, log: [] as string[] };
    const listener = new Listener({
      name: 'test listener',
      logger: {
        warn: (_details, message) => seen.log.push(message),
        info: (message) => seen.log.push(message),
      },
      onNotification: (payload, channel) => seen.heard.push(`${channel}:${payload}`),
      onConnect: () => (seen.connects += 1),
      onLost: () => (seen.losses += 1),
      ...options,
    });
    listeners.push(listener);
    return { listener, seen };
  }

  it('hears the notifications of each of its channels and no other, on a connection not taken from the pool', async () => {
    const { pool } = namedPool();
    const { listener, seen } = recordingListener({ pool, channels: ['ipay_test_a', 'ipay_test_b'] });
    await listener.start();
    expect(seen.connects).toBe(1);
    expect(listener.pid).toBeGreaterThan(0);
    expect(listener.connected).toBe(true);
    expect(pool.totalCount).toBe(0);

    await notify('ipay_test_a', 'one');
    await notify('ipay_test_b', 'two');
    await notify('ipay_test_other', 'three');
    // Notifications of one session arrive in order: once the last is heard, the unheard one was passed over.
    await notify('ipay_test_a', 'four');
    await until(() => (seen.heard.length >= 3 ? true : undefined), 'three notifications');
    expect(seen.heard).toEqual(['ipay_test_a:one', 'ipay_test_b:two', 'ipay_test_a:four']);
  });

  it('listens again on a new connection after its own is terminated, says so, and hears again', async () => {
    const { pool } = namedPool();
    const { listener, seen } = recordingListener({
      pool,
      channels: ['ipay_test_again'],
      reconnectDelayMs: { initial: 10, max: 100 },
    });
    await listener.start();
    const lostPid = listener.pid;
    await sql`select pg_terminate_backend(${lostPid}::int)`.execute(database.db);

    const newPid = await until(
      () => (listener.pid !== undefined && listener.pid !== lostPid ? listener.pid : undefined),
      'a new listening connection',
    );
    expect(newPid).toBeGreaterThan(0);
    expect(seen).toMatchObject({ connects: 2, losses: 1 });
    expect(seen.log).toEqual([
      'test listener lost its listening connection; reconnecting',
      'test listener listening again',
    ]);
    await notify('ipay_test_again', 'after');
    await until(() => (seen.heard.length ? true : undefined), 'a notification on the new connection');
    expect(seen.heard).toEqual(['ipay_test_again:after']);
  });

  it('closes its connection when stopped, and one still being opened too', async () => {
    const { pool, applicationName } = namedPool();
    const { listener } = recordingListener({ pool, channels: ['ipay_test_stop'] });
    await listener.start();
    expect(await connectionsNamed(applicationName)).toBe(1);
    await listener.stop();
    expect(listener.pid).toBeUndefined();
    expect(listener.connected).toBe(false);
    await until(
      async () => ((await connectionsNamed(applicationName)) === 0 ? true : undefined),
      'no connection',
    );

    const { listener: early, seen } = recordingListener({ pool, channels: ['ipay_test_stop'] });
    const starting = early.start();
    await early.stop();
    await starting;
    expect(early.pid).toBeUndefined();
    expect(early.connected).toBe(false);
    expect(seen.connects).toBe(0);
    await until(
      async () => ((await connectionsNamed(applicationName)) === 0 ? true : undefined),
      'no connection',
    );
  });

  it('keeps trying while the server cannot be reached, and leaves no attempt waiting once stopped', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { pool } = namedPool(`postgres://nobody:none@127.0.0.1:${await freePort()}/none`);
    const { listener, seen } = recordingListener({
      pool,
      channels: ['ipay_test_unreachable'],
      reconnectDelayMs: { initial: 1_000, max: 1_000 },
    });
    await listener.start();
    expect(seen.log).toEqual(['test listener could not listen; retrying']);
    expect(vi.getTimerCount()).toBe(1);

    await listener.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(seen.connects).toBe(0);
  });
});
