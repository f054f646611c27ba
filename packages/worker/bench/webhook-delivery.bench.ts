/**
 * Outbound webhook delivery, end to end, against a bare signed `fetch` loop as the ceiling.
 *
 * One merchant, one active endpoint pointing at a fast receiver on loopback (node:http answering 204, verifying
 * nothing, counting webhook-ids and connections). Each pair:
 * - setup (not timed): `order.created` events recorded with the events domain's own bulk insert, their delivery
 *   rows inserted, and first attempts scheduled with the webhooks domain's `enqueueDeliveryAttempts`, as the
 *   event relay does; nothing else is queued.
 * - subject: the worker as production runs it (`startWorker`, the configured concurrency), from then until every
 *   delivery row is `succeeded`.
 * - ceiling: the same bodies signed with the same Standard Webhooks code and POSTed with `fetch` by a loop running
 *   as many requests at once as the worker may send to one endpoint. No database, no delivery log, no retries.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  closeEndpointAgents,
  enqueueDeliveryAttempts,
  recordDomainEvents,
  signatureHeader,
  webhookBody,
  WEBHOOK_ENDPOINT_CONCURRENCY,
  type DomainEvent,
} from '@ipay/api';
import { sampleEvent } from '@ipay/api/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { z } from 'zod';
import { startWorker } from '../src/runner';
import { startBenchPlatform, type BenchPlatform } from './support/bench-platform';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import { formatGoals, ratioGoal, runBenchmark, runPairs, writeBenchResults } from './support/report';

const Settings = z.object({
  BENCH_DELIVERIES: z.coerce.number().int().min(10).max(100_000).default(2_000),
  BENCH_PAIRS: z.coerce.number().int().min(1).max(9).default(3),
});
// Benchmarks are run by hand, outside the platform's config: their knobs are read here.
const settings = Settings.parse({
  BENCH_DELIVERIES: process.argv[2] ?? process.env.BENCH_DELIVERIES,
  BENCH_PAIRS: process.env.BENCH_PAIRS,
});

interface Receiver {
  url: string;
  /** Requests per webhook-id since the last reset. */
  ids: Map<string, number>;
  connections: number;
  requests: number;
  reset(): void;
  close(): Promise<void>;
}

/** A receiver that does the least a receiver can: read the body, count, answer 204. */
async function startReceiver(): Promise<Receiver> {
  const state = { ids: new Map<string, number>(), connections: 0, requests: 0 };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      state.ids.set(id, (state.ids.get(id) ?? 0) + 1);
      state.requests += 1;
      res.writeHead(204).end();
    });
  });
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    get ids() {
      return state.ids;
    },
    get connections() {
      return state.connections;
    },
    get requests() {
      return state.requests;
    },
    reset: () => {
      state.ids = new Map();
      state.connections = 0;
      state.requests = 0;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function json(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.url} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}

async function merchantWithEndpoint(baseUrl: string, url: string) {
  const registered = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      organizationName: 'Webhook Bench BV',
      name: 'Bench Admin',
      email: 'webhook-bench@example.test',
      password: 'a long benchmark password',
    }),
  });
  const { token } = z.object({ token: z.string() }).parse(await json(registered));
  const created = await fetch(`${baseUrl}/api/webhook-endpoints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ url, eventTypes: ['order.created'] }),
  });
  const endpoint = z
    .object({ id: z.uuid(), organizationId: z.uuid(), secret: z.string() })
    .parse(await json(created));
  return endpoint;
}

/** Events and their deliveries, as the relay leaves them: rows pending and first attempts queued. */
async function scheduleDeliveries(
  database: BenchDatabase,
  endpoint: { id: string; organizationId: string },
  count: number,
): Promise<DomainEvent[]> {
  return database.db.transaction().execute(async (trx) => {
    const events = await recordDomainEvents(
      trx,
      Array.from({ length: count }, () =>
        sampleEvent('order.created', { organizationId: endpoint.organizationId }),
      ),
    );
    const deliveries = await trx
      .insertInto('webhook_deliveries')
      .values(
        events.map((event) => ({
          endpoint_id: endpoint.id,
          event_id: event.id,
          next_attempt_at: new Date(),
        })),
      )
      .returning(['id', 'endpoint_id'])
      .execute();
    await enqueueDeliveryAttempts(
      trx,
      deliveries.map((d) => ({ id: d.id, endpointId: d.endpoint_id })),
    );
    // Whatever else recording events queues (their dispatch) is not what this benchmark times.
    await sql`select graphile_worker.complete_jobs(array(
                select id from graphile_worker.jobs where task_identifier not like 'webhooks.%'))`.execute(
      trx,
    );
    return events;
  });
}

async function pendingDeliveries(database: BenchDatabase): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from webhook_deliveries where status <> 'succeeded'`.execute(database.db);
  return Number(rows[0]?.n ?? 0);
}

async function waitUntil(done: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function seconds(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The worker delivering every scheduled delivery; deliveries per second. */
async function deliverWithWorker(
  database: BenchDatabase,
  platform: BenchPlatform,
  receiver: Receiver,
  count: number,
): Promise<number> {
  const { config, encryptionKey } = platform.deps;
  const started = process.hrtime.bigint();
  const runner = await startWorker({
    db: database.db,
    pool: database.pool,
    config,
    encryptionKey,
    logger: pino({ level: 'silent' }),
    concurrency: config.workerConcurrency,
  });
  try {
    await waitUntil(() => Promise.resolve(receiver.ids.size >= count), 'every webhook to arrive');
    await waitUntil(async () => (await pendingDeliveries(database)) === 0, 'every delivery to be recorded');
    return count / seconds(started);
  } finally {
    await runner.stop();
    // The next run opens its own connections, so each run's count is its own.
    closeEndpointAgents();
  }
}

/** The ceiling: sign and POST each body, `concurrency` at a time. */
async function bareSignedFetchLoop(
  url: string,
  secret: string,
  events: DomainEvent[],
  concurrency: number,
): Promise<number> {
  const bodies = events.map((event) => ({ id: event.id, body: webhookBody(event) }));
  let next = 0;
  const started = process.hrtime.bigint();
  const loop = async () => {
    for (let item = bodies[next++]; item; item = bodies[next++]) {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'IPAY-Webhooks/1',
          'webhook-id': item.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatureHeader([secret], { id: item.id, timestamp, body: item.body }),
        },
        body: item.body,
      });
      await response.arrayBuffer();
      if (response.status !== 204) throw new Error(`the receiver answered ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return bodies.length / seconds(started);
}

async function main(): Promise<void> {
  const count = settings.BENCH_DELIVERIES;
  let database: BenchDatabase | undefined;
  let platform: BenchPlatform | undefined;
  let receiver: Receiver | undefined;
  try {
    process.stdout.write(`webhook delivery benchmark: ${count.toLocaleString('en-US')} deliveries per run\n`);
    database = await startBenchDatabase();
    const db = database;
    platform = await startBenchPlatform(db, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    const bench = platform;
    const target = await startReceiver();
    receiver = target;
    const endpoint = await merchantWithEndpoint(bench.baseUrl, target.url);
    const concurrency = WEBHOOK_ENDPOINT_CONCURRENCY;
    const connections: number[] = [];

    const measured = await runPairs(settings.BENCH_PAIRS, async () => {
      const events = await scheduleDeliveries(db, endpoint, count);
      target.reset();
      const subject = await deliverWithWorker(db, bench, target, count);
      const duplicates = [...target.ids.values()].filter((n) => n > 1).length;
      if (target.ids.size !== count || duplicates) {
        throw new Error(
          `the worker sent ${target.ids.size} ids (${duplicates} more than once), expected ${count}`,
        );
      }
      connections.push(target.connections);
      await sql`delete from webhook_deliveries`.execute(db.db);
      target.reset();
      const ceiling = await bareSignedFetchLoop(target.url, endpoint.secret, events, concurrency);
      process.stdout.write(
        `  worker ${subject.toFixed(0)}/s (${connections.at(-1)} connections), bare fetch loop ${ceiling.toFixed(0)}/s\n`,
      );
      return { subject, ceiling };
    });

    const goals = [
      ratioGoal({
        goal: `webhook delivery, ${count.toLocaleString('en-US')} to one fast endpoint`,
        unit: 'deliveries/s',
        ceilingName: `bare signed fetch loop (${concurrency} at once)`,
        subject: measured.subject,
        ceiling: measured.ceiling,
        minPercent: 50,
      }),
    ];
    process.stdout.write(`\n${formatGoals(goals)}\n`);
    const results = await writeBenchResults('webhook-delivery', {
      deliveries: count,
      workerConcurrency: bench.deps.config.workerConcurrency,
      endpointConcurrency: concurrency,
      worker: measured.subject,
      bareFetchLoop: measured.ceiling,
      workerConnections: connections,
      goals,
    });
    process.stdout.write(`figures: ${results}\n`);
  } finally {
    await receiver?.close();
    await platform?.close();
    await database?.stop();
  }
}

await runBenchmark(main);
