import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getStreamTicket, openTestEventStream, orderBody } from '@ipay/api/testing';
import { freePort } from '@ipay/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliProcess, waitFor, type PlatformProcess } from './testing/cli-process';

interface Answer {
  route: string;
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  body: string;
  /** The order's merchant reference, for order creations. */
  reference?: string;
}

interface Problem {
  type: string;
  detail: string;
}

async function call(baseUrl: string, route: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(`${baseUrl}${route}`, init);
  return {
    route,
    status: res.status,
    contentType: res.headers.get('content-type'),
    retryAfter: res.headers.get('retry-after'),
    body: await res.text(),
  };
}

/** The postmaster's pid, from the lock file PostgreSQL writes into its data folder. */
async function postmasterPid(dataDir: string): Promise<number> {
  const lockFile = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  const pid = Number.parseInt(lockFile.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid in postmaster.pid: ${lockFile}`);
  return pid;
}

describe('the embedded PostgreSQL killed under load', () => {
  let dataDir: string;
  let platform: PlatformProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-outage-'));
  });
  afterAll(async () => {
    if (platform?.child.exitCode === null) await platform.interrupt();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After while it is down, restarts it, and keeps and announces every acknowledged order', async () => {
    const [apiPort, pgPort] = [await freePort(), await freePort()];
    platform = startCliProcess(['start'], {
      IPAY_DATA_DIR: dataDir,
      PORT: String(apiPort),
      EMBEDDED_PG_PORT: String(pgPort),
      JWT_KEYS: `outage:${randomBytes(24).toString('hex')}`,
      // The supervisor's recovery line is at info.
      LOG_LEVEL: 'info',
    });
    const started = platform;
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const ready = async () => ((await call(baseUrl, '/readyz')).status === 200 ? true : undefined);
    await waitFor(ready, 'the platform to start', 60_000);

    const registered = await call(baseUrl, '/api/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        organizationName: 'Outage BV',
        name: 'O',
        email: `outage-${randomBytes(4).toString('hex')}@example.test`,
        password: 'outage test password',
      }),
    });
    expect(registered.status, registered.body).toBe(200);
    const { token } = JSON.parse(registered.body) as { token: string };
    const authorization = `Bearer ${token}`;

    // A live event stream held open across the outage: its hub must listen again and catch up.
    const stream = await openTestEventStream(baseUrl, { token: await getStreamTicket(baseUrl, token) });

    // Order creations over REST, and reads over tRPC and a plain route, until told to stop.
    const answers: Answer[] = [];
    let loading = true;
    const createOrders = async () => {
      while (loading) {
        const body = orderBody();
        const answer = await call(baseUrl, '/api/orders', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify(body),
        });
        answers.push({ ...answer, reference: body.merchant_reference });
      }
    };
    const readOrders = async () => {
      while (loading) {
        answers.push(
          await call(baseUrl, `/trpc/orders.list?input=${encodeURIComponent('{}')}`, {
            headers: { authorization },
          }),
          await call(baseUrl, '/api/orders/sample.csv', { headers: { authorization } }),
        );
      }
    };
    const acknowledged = () => answers.filter((a) => a.reference && a.status >= 200 && a.status < 300);
    const load = Promise.all([...Array.from({ length: 6 }, createOrders), readOrders()]);
    try {
      await waitFor(
        () => Promise.resolve(acknowledged().length >= 20 || undefined),
        'orders before the kill',
      );
      process.kill(await postmasterPid(dataDir), 'SIGKILL');
      await waitFor(
        () => Promise.resolve(answers.some((a) => a.status >= 500) || undefined),
        'a failure while the database is down',
      );
      await waitFor(ready, 'the database to come back by itself', 45_000);
      const beforeRecovery = acknowledged().length;
      await waitFor(
        () => Promise.resolve(acknowledged().length >= beforeRecovery + 20 || undefined),
        'orders after the restart',
      );
    } finally {
      loading = false;
      await load;
    }

    const failures = answers.filter((a) => a.status >= 300);
    const summary = JSON.stringify({
      answers: answers.length,
      acknowledgedOrders: acknowledged().length,
      unavailable: failures.filter((f) => f.status === 503).length,
      other: failures.filter((f) => f.status !== 503).length,
    });
    expect(failures.length, summary).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure.status, `${summary} ${failure.route}: ${failure.body}`).toBe(503);
      expect(failure.retryAfter).toBe('5');
      // tRPC keeps its own envelope and carries the problem inside it.
      const trpc = failure.route.startsWith('/trpc/');
      expect(failure.contentType).toMatch(trpc ? /^application\/json/ : /^application\/problem\+json/);
      const body = JSON.parse(failure.body) as Problem & { error?: { data: { problem: Problem } } };
      const problem = trpc ? body.error?.data.problem : body;
      expect(problem?.type).toMatch(/service-unavailable$/);
      expect(problem?.detail).toMatch(/database is unreachable/);
    }
    // The reads saw the outage as well, on tRPC and on a plain route.
    expect(new Set(failures.map((f) => f.route.split('?')[0]))).toEqual(
      new Set(['/api/orders', '/trpc/orders.list', '/api/orders/sample.csv']),
    );
    expect(started.output()).toMatch(/exited unexpectedly with signal SIGKILL/);
    expect(started.output()).toMatch(/PostgreSQL is running again/);

    const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    const client = new pg.Client({
      connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/postgres`,
    });
    await client.connect();
    try {
      const references = acknowledged().map((a) => a.reference);
      const { rows } = await client.query<{ merchant_reference: string }>(
        'select merchant_reference from orders where merchant_reference = any($1)',
        [references],
      );
      expect(rows.map((r) => r.merchant_reference).sort()).toEqual(references.sort());
      // The worker came back too: its relay passes every order's event.
      await waitFor(async () => {
        const pending = await client.query(
          'select 1 from domain_events where stream_position > (select max(position) from event_relay_cursors)',
        );
        return pending.rowCount === 0 ? true : undefined;
      }, 'the worker to relay every event');
    } finally {
      await client.end();
    }

    const streamed = () => new Set(stream.events.map((e) => (e.data as { resourceId: string }).resourceId));
    const acknowledgedIds = acknowledged().map((a) => (JSON.parse(a.body) as { id: string }).id);
    await stream.until(
      () => acknowledgedIds.every((id) => streamed().has(id)),
      'every acknowledged order on the live stream',
      30_000,
    );
    expect(stream.ended()).toBe(false);
    stream.close();

    expect(await started.interrupt(), started.output()).toBe(0);
  }, 120_000);
});
