import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
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

    const dispatched = await waitFor(async () => {
      const row = await database.db
        .selectFrom('domain_events')
        .select('dispatched_at')
        .where('resource_id', '=', registered.body.user.organization.id)
        .executeTakeFirst();
      return row?.dispatched_at ?? undefined;
    }, 'the worker to dispatch the registration event');
    expect(dispatched).toBeInstanceOf(Date);

    for (const p of [apiA, apiB, worker]) {
      const code = await p.interrupt();
      expect(code, p.output()).toBe(0);
    }
  });
});
