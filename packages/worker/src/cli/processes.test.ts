import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@ipay/db';
import { startCliProcess, waitFor, type PlatformProcess } from '../testing/cli-process';

async function ready(baseUrl: string): Promise<true | undefined> {
  const res = await fetch(`${baseUrl}/readyz`);
  return res.status === 200 ? true : undefined;
}

async function post(baseUrl: string, route: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('several processes on one DATABASE_URL', () => {
  let database: TestDatabase;
  let dataDir: string;
  const processes: PlatformProcess[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-procs-'));
  });
  afterAll(async () => {
    for (const p of processes) if (p.child.exitCode === null) await p.interrupt();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves from two API processes while one worker runs the jobs, and all stop cleanly on SIGINT', async () => {
    const env = {
      DATABASE_URL: database.connectionString,
      JWT_KEYS: `shared:${randomBytes(24).toString('hex')}`,
      IPAY_DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
    };
    const [portA, portB] = [await freePort(), await freePort()];
    const apiA = startCliProcess(['start', '--api-only'], { ...env, PORT: String(portA) });
    const apiB = startCliProcess(['start', '--api-only'], { ...env, PORT: String(portB) });
    const worker = startCliProcess(['start', '--worker-only'], env);
    processes.push(apiA, apiB, worker);
    const [a, b] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
    await waitFor(() => ready(a), 'API A');
    await waitFor(() => ready(b), 'API B');
    await waitFor(
      () => Promise.resolve(worker.output().includes('IPAY platform is running') ? true : undefined),
      'worker',
    );
    expect(apiA.output()).toContain('worker    off in this process');
    expect(worker.output()).not.toContain('API       ');

    const email = `multi-${randomBytes(4).toString('hex')}@example.test`;
    const registered = await post(a, '/api/auth/register', {
      organizationName: 'Multi BV',
      name: 'M',
      email,
      password: 'shared database pw',
    });
    expect(registered.status).toBe(200);
    const login = await post(b, '/api/auth/login', { email, password: 'shared database pw' });
    expect(login.status).toBe(200);
    const me = await fetch(`${b}/api/auth/me`, {
      headers: { authorization: `Bearer ${registered.body.token}` },
    });
    expect(((await me.json()) as { email: string }).email).toBe(email);

    const relayed = await waitFor(async () => {
      const row = await database.db
        .selectFrom('domain_events')
        .innerJoin('event_relay_cursors', (join) =>
          join.onRef('event_relay_cursors.position', '>=', 'domain_events.stream_position'),
        )
        .select('domain_events.id')
        .where('resource_id', '=', registered.body.user.organization.id)
        .executeTakeFirst();
      return row?.id;
    }, 'the worker to relay the registration event');
    expect(relayed).toBeTruthy();

    for (const p of [apiA, apiB, worker]) {
      const code = await p.interrupt();
      expect(code, p.output()).toBe(0);
    }
  });
});

/** Log lines at pino's warn level (40) or above. */
function warningsIn(output: string): string[] {
  return output.split('\n').filter((line) => {
    if (!line.startsWith('{')) return false;
    return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 40;
  });
}

describe('the platform on its embedded PostgreSQL', () => {
  let dataDir: string;
  const processes: PlatformProcess[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-local-'));
  });
  afterAll(async () => {
    for (const p of processes.reverse()) if (p.child.exitCode === null) await p.interrupt();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops on Ctrl-C without a warning or error, PostgreSQL last, after a second process left it running', async () => {
    const [apiPort, pgPort] = [await freePort(), await freePort()];
    const env = { IPAY_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info' };
    const first = startCliProcess(['start'], { ...env, PORT: String(apiPort) });
    processes.push(first);
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    await waitFor(() => ready(baseUrl), 'the platform', 60_000);
    // Connections in the pool, on the event hub's LISTEN and the worker's: what a stop used to cut.
    const registered = await post(baseUrl, '/api/auth/register', {
      organizationName: 'Local BV',
      name: 'L',
      email: `local-${randomBytes(4).toString('hex')}@example.test`,
      password: 'local database pw',
    });
    expect(registered.status).toBe(200);

    const second = startCliProcess(['start', '--worker-only'], env);
    processes.push(second);
    await waitFor(
      () => Promise.resolve(second.output().includes('IPAY platform is running') || undefined),
      'a second process on the same cluster',
    );
    expect(second.output()).toContain('(already running)');
    expect(await second.interrupt(), second.output()).toBe(0);
    expect(warningsIn(second.output())).toEqual([]);
    // It connected to the first process's cluster, so stopping left the cluster to that process.
    expect(await ready(baseUrl)).toBe(true);

    expect(await first.interrupt(), first.output()).toBe(0);
    expect(warningsIn(first.output())).toEqual([]);
    expect(first.output()).toContain('"msg":"stopped"');
    // PostgreSQL removes its lock file when it has shut down cleanly.
    await expect(access(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();
  }, 120_000);
});
