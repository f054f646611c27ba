import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  getStreamTicket,
  http,
  openTestEventStream,
  orderBody,
  type TestEventStream,
} from '@ipay/api/testing';
import { freePort } from '@ipay/db';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliProcess, waitFor, type PlatformProcess } from './testing/cli-process';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

/**
 * Issue #12 asks for 10,000 orders; a thousand keeps the test within a minute on a shared 2-core machine.
 * `SCALE_OUT_ORDERS=10000` runs the full size.
 */
const ORDERS = Number(process.env.SCALE_OUT_ORDERS ?? 1_000);
const CONCURRENCY = 8;
const LONG = Math.max(300_000, ORDERS * 300);

describe('two API processes and two workers on one database', () => {
  let database: TestDatabase;
  let dataDir: string;
  let receiver: WebhookReceiver;
  const processes: PlatformProcess[] = [];
  const streams: TestEventStream[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'ipay-scale-'));
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    for (const p of processes)
      if (p.child.exitCode === null && p.child.signalCode === null) await p.interrupt();
    await receiver.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'delivers every order event to the webhook receiver at least once and to every SSE client once, in order, while a worker is killed',
    async () => {
      const env = {
        DATABASE_URL: database.connectionString,
        JWT_KEYS: `shared:${randomBytes(24).toString('hex')}`,
        IPAY_DATA_DIR: dataDir,
        LOG_LEVEL: 'error',
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        // The survivors free the killed worker's jobs after this much silence (worker-heartbeat.ts).
        WORKER_DEAD_AFTER_SECONDS: '5',
      };
      const start = (args: string[], extra: Record<string, string> = {}) => {
        const started = startCliProcess(args, { ...env, ...extra });
        processes.push(started);
        return started;
      };
      const running = (p: PlatformProcess) =>
        waitFor(
          () => Promise.resolve(p.output().includes('IPAY platform is running') ? true : undefined),
          'a process to start',
          LONG,
        );
      const [portA, portB] = [await freePort(), await freePort()];
      const apis = [
        start(['start', '--api-only'], { PORT: String(portA) }),
        start(['start', '--api-only'], { PORT: String(portB) }),
      ];
      const doomed = start(['start', '--worker-only']);
      const survivor = start(['start', '--worker-only']);
      await Promise.all([...apis, doomed, survivor].map(running));
      const bases = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];

      const registered = await http(bases[0]!, 'POST', '/api/auth/register', {
        body: {
          organizationName: 'Scale BV',
          name: 'S',
          email: `scale-${randomBytes(4).toString('hex')}@example.test`,
          password: 'scale out password',
        },
      });
      expect(registered.status).toBe(200);
      const token = registered.body.token as string;
      const organizationId = registered.body.user.organization.id as string;
      const endpoint = await http(bases[1]!, 'POST', '/api/webhook-endpoints', {
        token,
        body: { url: receiver.url(), eventTypes: ['order.created'] },
      });
      expect(endpoint.status).toBe(200);
      // Two streams on each API, opened before the first order.
      for (const base of [...bases, ...bases]) {
        streams.push(await openTestEventStream(base, { token: await getStreamTicket(base, token) }));
      }

      let next = 0;
      let replacement: PlatformProcess | undefined;
      const client = async () => {
        for (let i = next++; i < ORDERS; i = next++) {
          if (i === Math.floor(ORDERS / 4)) process.kill(-doomed.child.pid!, 'SIGKILL');
          if (i === Math.floor((ORDERS * 3) / 5)) replacement = start(['start', '--worker-only']);
          const created = await http(bases[i % 2]!, 'POST', '/api/orders', { token, body: orderBody() });
          expect(created.status, JSON.stringify(created.body)).toBe(200);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, client));
      await running(replacement!);

      const orderEvents = async () =>
        (
          await database.db
            .selectFrom('domain_events')
            .select(['id', 'stream_position'])
            .where('organization_id', '=', organizationId)
            .where('type', '=', 'order.created')
            .orderBy('stream_position')
            .execute()
        ).map((row) => row.id);
      const events = await orderEvents();
      expect(events).toHaveLength(ORDERS);

      // The relay (whichever worker holds it) passes every event.
      await waitFor(
        async () => {
          const { rows } = await sql<{ behind: string }>`
          select count(*) as behind from domain_events
          where stream_position > (select position from event_relay_cursors where name = 'dispatch')`.execute(
            database.db,
          );
          return Number(rows[0]?.behind) === 0 ? true : undefined;
        },
        'the relay to pass every event',
        LONG,
      );

      const delivered = () => new Set(receiver.received.map((r) => r.headers['webhook-id']));
      await waitFor(
        () => Promise.resolve(events.every((id) => delivered().has(id)) ? true : undefined),
        'every order event to reach the webhook receiver',
        LONG,
      );
      // At least once; a repeat carries the same webhook-id and the same message.
      const bodies = new Map<string, Set<string>>();
      for (const request of receiver.received) {
        const id = request.headers['webhook-id']!;
        bodies.set(id, (bodies.get(id) ?? new Set()).add(request.body));
      }
      expect([...bodies.keys()].sort()).toEqual([...events].sort());
      expect([...bodies.values()].filter((set) => set.size !== 1)).toEqual([]);
      const { rows: doubled } = await sql`
        select event_id from webhook_deliveries group by endpoint_id, event_id having count(*) > 1`.execute(
        database.db,
      );
      expect(doubled).toEqual([]);

      // Every SSE client, on either API, saw every event once, in stream order.
      for (const stream of streams) {
        await stream.until(
          () => stream.events.filter((e) => e.event === 'order.created').length >= ORDERS,
          'every order event on the stream',
          LONG,
        );
        const seen = stream.events.map((e) => e.id);
        expect(new Set(seen).size).toBe(seen.length);
        expect(stream.events.filter((e) => e.event === 'order.created').map((e) => e.id)).toEqual(events);
      }

      for (const worker of [survivor, replacement!]) expect(await worker.interrupt()).toBe(0);
      const { rows: heartbeats } = await sql`select pool_id from worker_heartbeats`.execute(database.db);
      expect(heartbeats).toEqual([]);
      for (const api of apis) expect(await api.interrupt()).toBe(0);
    },
    LONG * 3,
  );
});
