/**
 * The live event stream (SSE) under load, issue #12's two shapes:
 *
 * - realistic: 5,000 subscribers spread over 500 merchants (10 each) plus 50 operator streams that see every
 *   event, 200 events/s spread over the merchants: p99 from commit to client ≤ 100 ms;
 * - one tenant: 1,000 subscribers of one merchant at 50 events/s: p99 ≤ 250 ms.
 *
 * Three processes besides PostgreSQL: this one (the database, the setup, the writer and the verdict), the API
 * server alone in a child (`support/stream-server.ts`, so its CPU and resident memory are its own), and the
 * subscribers in another child (`support/stream-clients.ts`, real HTTP SSE connections that never share the
 * server's event loop). The writer commits one `order.created` per transaction through `recordDomainEvents` at
 * a fixed rate, round robin over the merchants, and notes the time right after COMMIT returns; each client notes
 * when each frame arrives, on the same machine clock. The verdict checks that every stream got exactly its
 * organization's events (every event, for an operator), each once, in stream order, and takes p50/p99/max over
 * every delivery. The ceiling beside each goal is a bare `LISTEN` in the clients' process: how long PostgreSQL's
 * notification itself takes to arrive after the commit, under the same load.
 *
 * Knobs: `BENCH_STREAM_SCALE` (default 1) scales the number of subscribers and merchants, `BENCH_STREAM_SECONDS`
 * (default 30) how long the writer writes, `BENCH_STREAM_ONLY` (`realistic` or `one tenant`) runs one shape,
 * `BENCH_STREAM_RUNS` (default 3) how often each shape runs, each run beside its own bare `LISTEN`: the goal is
 * the median of the runs' p99s, and holds only if every stream was exact in every run;
 * `BENCH_STREAM_CPU_PROF=<dir>` writes a CPU profile of the server.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createPlatformAdmin, recordDomainEvents } from '@ipay/api';
import type { Db } from '@ipay/db';
import { sql } from 'kysely';
import { z } from 'zod';
import { PLATFORM_NODE_FLAGS } from '../src/cli/node-flags';
import { startBenchDatabase } from './support/local-postgres';
import { mebibytes } from './support/memory';
import {
  formatGoals,
  median,
  runBenchmark,
  runPairs,
  writeBenchResults,
  type GoalResult,
} from './support/report';
import type {
  ClientsMessage,
  ClientsRequest,
  CommittedEvent,
  StreamClient,
  StreamVerdict,
} from './support/stream-clients';
import type { ServerMessage, ServerRequest } from './support/stream-server';

const Settings = z.object({
  BENCH_STREAM_SCALE: z.coerce.number().min(0.001).max(1).default(1),
  BENCH_STREAM_SECONDS: z.coerce.number().min(1).max(600).default(30),
  BENCH_STREAM_CPU_PROF: z.string().optional(),
  BENCH_STREAM_ONLY: z.enum(['realistic', 'one tenant']).optional(),
  BENCH_STREAM_RUNS: z.coerce.number().int().min(1).max(9).default(3),
});
// Benchmarks are run by hand, outside the platform's config: their knobs are read here.
const settings = Settings.parse(process.env);

interface Shape {
  name: string;
  merchants: number;
  subscribersPerMerchant: number;
  operators: number;
  eventsPerSecond: number;
  p99BoundMs: number;
}

const scaled = (n: number) => Math.max(1, Math.round(n * settings.BENCH_STREAM_SCALE));
const SHAPES: Shape[] = [
  {
    name: 'realistic',
    merchants: scaled(500),
    subscribersPerMerchant: 10,
    operators: scaled(50),
    eventsPerSecond: 200,
    p99BoundMs: 100,
  },
  {
    name: 'one tenant',
    merchants: 1,
    subscribersPerMerchant: scaled(1_000),
    operators: 0,
    eventsPerSecond: 50,
    p99BoundMs: 250,
  },
];

/** Transactions the writer may have open at once: enough to hold the rate while a commit waits. */
const WRITER_CONCURRENCY = 8;
/** Streams opened at once while connecting (within the server's accept backlog). */
const OPEN_CONCURRENCY = 64;
/** How long the last events may take to reach every stream before the run is judged. */
const DRAIN_TIMEOUT_MS = 30_000;

/** A forked child spoken to over IPC: one request, the first answer of the expected kind. */
class Child<Request, Message extends { kind: string }> {
  constructor(readonly process: ChildProcess) {}

  next<K extends Message['kind']>(kind: K): Promise<Extract<Message, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: Message) => {
        if (message.kind === 'failed') {
          cleanup();
          reject(new Error(`child failed: ${JSON.stringify(message)}`));
        } else if (message.kind === kind) {
          cleanup();
          resolve(message as Extract<Message, { kind: K }>);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`child exited (${code}) while waiting for ${kind}`));
      };
      const cleanup = () => {
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
      };
      this.process.on('message', onMessage);
      this.process.on('exit', onExit);
    });
  }

  /** Asks the child to finish and waits until it has exited. */
  async stop(request: Request): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = once(this.process, 'exit');
    if (this.process.connected) this.process.send(request as object);
    else this.process.kill();
    await exited;
  }

  ask<K extends Message['kind']>(request: Request, kind: K): Promise<Extract<Message, { kind: K }>> {
    const answer = this.next(kind);
    this.process.send(request as object);
    return answer;
  }
}

function forkChild<Request, Message extends { kind: string }>(
  file: string,
  args: string[],
  execArgv: string[] = [],
): Child<Request, Message> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  return new Child(
    fork(script, args, {
      execArgv: ['--expose-gc', ...PLATFORM_NODE_FLAGS, '--import', 'tsx', ...execArgv],
      stdio: 'inherit',
    }),
  );
}

const hashTicket = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

/**
 * Merchants, their users and operators with the system roles that grant `events:read`, and one stream ticket
 * each, written straight into the tables (setup, not timed): issuing 5,000 tickets over HTTP would cost a
 * signed-in request each and measure nothing about the stream. Tickets live long enough for every stream to
 * open; redeeming them goes the product's way, over HTTP.
 */
async function createSubscribers(db: Db, shape: Shape): Promise<StreamClient[]> {
  const run = randomBytes(3).toString('hex');
  const organizations = await db
    .insertInto('organizations')
    .values(
      Array.from({ length: shape.merchants }, (_, n) => ({
        name: `Bench ${run} shop ${n}`,
        type: 'merchant' as const,
      })),
    )
    .returning('id')
    .execute();
  // The product's way to the operator organization, which it creates on first use.
  const operator = await db.transaction().execute(async (trx) => {
    const admin = await createPlatformAdmin(trx, {
      email: `bench-${run}-admin@example.test`,
      name: 'Bench Admin',
      password: randomBytes(12).toString('hex'),
    });
    return admin.organization;
  });
  const roles = await db
    .selectFrom('roles')
    .select(['id', 'system_key'])
    .where('system_key', 'in', ['merchant_admin', 'platform_admin'])
    .execute();
  const roleOf = (key: string) => {
    const role = roles.find((r) => r.system_key === key);
    if (!role) throw new Error(`system role ${key} is not seeded`);
    return role.id;
  };
  const wanted = [
    ...organizations.flatMap((organization) =>
      Array.from({ length: shape.subscribersPerMerchant }, () => ({
        organizationId: organization.id,
        role: roleOf('merchant_admin'),
        seen: organization.id,
      })),
    ),
    ...Array.from({ length: shape.operators }, () => ({
      organizationId: operator.id,
      role: roleOf('platform_admin'),
      seen: null,
    })),
  ];
  const clients: StreamClient[] = [];
  for (let start = 0; start < wanted.length; start += 1_000) {
    const batch = wanted.slice(start, start + 1_000);
    const users = await db
      .insertInto('users')
      .values(
        batch.map((w, n) => ({
          organization_id: w.organizationId,
          email: `bench-${run}-${start + n}@example.test`,
          name: 'Stream Watcher',
          // Never signed in with: the streams open with tickets.
          password_hash: 'bench-no-password',
        })),
      )
      .returning(['id', 'email'])
      .execute();
    const userOf = new Map(users.map((u) => [u.email, u.id]));
    const rows = batch.map((w, n) => {
      const userId = userOf.get(`bench-${run}-${start + n}@example.test`);
      if (!userId) throw new Error('a bench user was not inserted');
      return { ...w, userId, ticket: randomBytes(32).toString('base64url') };
    });
    await db
      .insertInto('user_roles')
      .values(rows.map((r) => ({ user_id: r.userId, role_id: r.role, assigned_by: null })))
      .execute();
    await db
      .insertInto('stream_tickets')
      .values(
        rows.map((r) => ({
          hash: hashTicket(r.ticket),
          user_id: r.userId,
          organization_id: r.organizationId,
          expires_at: sql<Date>`now() + interval '30 minutes'`,
        })),
      )
      .execute();
    clients.push(...rows.map((r) => ({ ticket: r.ticket, organizationId: r.seen })));
  }
  return clients;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Commits `eventsPerSecond` events for `seconds`, one per transaction, round robin over the organizations, each
 * started on schedule (open loop) unless WRITER_CONCURRENCY transactions are still open. Returns the events in
 * stream order with the time COMMIT returned.
 */
async function writeEvents(
  db: Db,
  organizationIds: string[],
  options: { eventsPerSecond: number; seconds: number },
): Promise<{ events: CommittedEvent[]; seconds: number }> {
  const total = Math.round(options.eventsPerSecond * options.seconds);
  const committed: CommittedEvent[] = [];
  const open = new Set<Promise<void>>();
  const started = performance.now();
  for (let n = 0; n < total; n += 1) {
    await sleep(started + (n * 1_000) / options.eventsPerSecond - performance.now());
    while (open.size >= WRITER_CONCURRENCY) await Promise.race(open);
    const organizationId = organizationIds[n % organizationIds.length] ?? '';
    const orderId = randomUUID();
    const write = db
      .transaction()
      .execute((trx) =>
        recordDomainEvents(trx, [
          {
            type: 'order.created',
            resourceType: 'order',
            resourceId: orderId,
            organizationId,
            data: {
              orderId,
              merchantReference: `BENCH-${n}`,
              totalMinor: 4993,
              currency: 'EUR',
              carrierCode: 'POSTNL',
              ipayFlag: true,
            },
          },
        ]),
      )
      .then(([event]) => {
        const committedAt = performance.timeOrigin + performance.now();
        if (event) committed.push({ id: event.id, organizationId, committedAt });
      });
    const tracked = write.finally(() => open.delete(tracked));
    open.add(tracked);
  }
  await Promise.all(open);
  const seconds = (performance.now() - started) / 1_000;
  // Commit order is stream order; the writer's own order may differ when transactions overlap.
  const positions = await db
    .selectFrom('domain_events')
    .select(['id', 'stream_position'])
    .where(
      'id',
      'in',
      committed.map((event) => event.id),
    )
    .execute();
  const positionOf = new Map(positions.map((row) => [row.id, Number(row.stream_position)]));
  committed.sort((a, b) => (positionOf.get(a.id) ?? 0) - (positionOf.get(b.id) ?? 0));
  return { events: committed, seconds };
}

interface ShapeResult {
  shape: Shape;
  subscribers: number;
  openSeconds: number;
  events: number;
  writtenPerSecond: number;
  verdict: StreamVerdict;
  rssIdleMiB: number;
  rssWithStreamsMiB: number;
  peakRssMiB: number;
  kibPerSubscriber: number;
  /** CPU time while the writer wrote (and the last events drained), per second of writing: 100 is one core. */
  serverCpuPercent: number;
  clientsCpuPercent: number;
}

async function measureShape(
  db: Db,
  connectionString: string,
  shape: Shape,
  profileDir: string | undefined,
): Promise<ShapeResult> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = forkChild<ServerRequest, ServerMessage>(
    './support/stream-server.ts',
    [connectionString],
    profile,
  );
  const subscribers = forkChild<ClientsRequest, ClientsMessage>('./support/stream-clients.ts', [
    connectionString,
  ]);
  const ready = Promise.all([server.next('ready'), subscribers.next('ready')]);
  try {
    const [{ baseUrl }] = await ready;
    // After the server started: it seeds the system roles and the operator organization.
    const clients = await createSubscribers(db, shape);
    const organizationIds = [
      ...new Set(clients.flatMap((c) => (c.organizationId ? [c.organizationId] : []))),
    ];
    const idle = await server.ask({ kind: 'memory' }, 'memory');
    const opened = await subscribers.ask(
      { kind: 'open', baseUrl, clients, concurrency: OPEN_CONCURRENCY },
      'opened',
    );
    const withStreams = await server.ask({ kind: 'memory' }, 'memory');
    if (withStreams.streams !== clients.length) {
      throw new Error(`${withStreams.streams} of ${clients.length} streams are open on the server`);
    }
    const clientsBefore = await subscribers.ask({ kind: 'counts' }, 'counts');
    const written = await writeEvents(db, organizationIds, {
      eventsPerSecond: shape.eventsPerSecond,
      seconds: settings.BENCH_STREAM_SECONDS,
    });
    const perOrganization = new Map<string | null, number>();
    for (const c of clients)
      perOrganization.set(c.organizationId, (perOrganization.get(c.organizationId) ?? 0) + 1);
    const operators = perOrganization.get(null) ?? 0;
    const expected = written.events.reduce(
      (sum, event) => sum + operators + (perOrganization.get(event.organizationId) ?? 0),
      0,
    );
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let clientsAfter = await subscribers.ask({ kind: 'counts' }, 'counts');
    while (clientsAfter.deliveries < expected && Date.now() < deadline) {
      await sleep(100);
      clientsAfter = await subscribers.ask({ kind: 'counts' }, 'counts');
    }
    const { verdict } = await subscribers.ask({ kind: 'verify', events: written.events }, 'verdict');
    const memory = await server.ask({ kind: 'memory' }, 'memory');
    return {
      shape,
      subscribers: clients.length,
      openSeconds: opened.seconds,
      events: written.events.length,
      writtenPerSecond: written.events.length / written.seconds,
      verdict,
      rssIdleMiB: mebibytes(idle.rssBytes),
      rssWithStreamsMiB: mebibytes(withStreams.rssBytes),
      peakRssMiB: mebibytes(Math.max(memory.peakRssBytes, withStreams.peakRssBytes)),
      kibPerSubscriber: (withStreams.rssBytes - idle.rssBytes) / 1024 / clients.length,
      serverCpuPercent: (100 * (memory.cpuSeconds - withStreams.cpuSeconds)) / written.seconds,
      clientsCpuPercent: (100 * (clientsAfter.cpuSeconds - clientsBefore.cpuSeconds)) / written.seconds,
    };
  } finally {
    await Promise.all([subscribers.stop({ kind: 'close' }), server.stop({ kind: 'stop' })]);
  }
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

function describe(result: ShapeResult, run: number): string {
  const { shape, verdict } = result;
  return [
    `${shape.name}, run ${run} of ${settings.BENCH_STREAM_RUNS}: ${result.subscribers.toLocaleString('en-US')} streams (${shape.merchants} merchants × ` +
      `${shape.subscribersPerMerchant} + ${shape.operators} operators), opened in ${result.openSeconds.toFixed(1)} s`,
    `  ${result.events.toLocaleString('en-US')} events at ${result.writtenPerSecond.toFixed(1)}/s ` +
      `(target ${shape.eventsPerSecond}/s); deliveries ${verdict.deliveries.toLocaleString('en-US')} of ` +
      `${verdict.expectedDeliveries.toLocaleString('en-US')}; wrong streams ${verdict.wrongStreams} ` +
      `(missing ${verdict.missing}, unexpected ${verdict.unexpected})`,
    `  commit → client: p50 ${ms(verdict.latencyMs.p50)}, p99 ${ms(verdict.latencyMs.p99)}, ` +
      `max ${ms(verdict.latencyMs.max)}`,
    `  commit → bare LISTEN (ceiling): p50 ${ms(verdict.notifyLatencyMs.p50)}, ` +
      `p99 ${ms(verdict.notifyLatencyMs.p99)}, max ${ms(verdict.notifyLatencyMs.max)}`,
    `  server RSS: idle ${result.rssIdleMiB.toFixed(0)} MiB, with streams ${result.rssWithStreamsMiB.toFixed(0)} MiB ` +
      `(${result.kibPerSubscriber.toFixed(1)} KiB per stream), peak ${result.peakRssMiB.toFixed(0)} MiB`,
    `  CPU while writing: server ${result.serverCpuPercent.toFixed(0)}% of a core, ` +
      `clients ${result.clientsCpuPercent.toFixed(0)}%`,
  ].join('\n');
}

const exactRun = ({ verdict }: ShapeResult) =>
  verdict.wrongStreams === 0 && verdict.deliveries === verdict.expectedDeliveries;

/** The shape's goal over its runs: the median p99 against the bound, beside the median bare LISTEN p99. */
function goalOf(runs: readonly ShapeResult[], p99s: { subject: number[]; ceiling: number[] }): GoalResult {
  const [first] = runs;
  if (!first) throw new Error('a shape was not run');
  const { shape } = first;
  const p99 = median(p99s.subject);
  const wrong = runs.reduce((sum, run) => sum + run.verdict.wrongStreams, 0);
  const exact = runs.every(exactRun);
  const paired = runs.every((run) => run.verdict.notifyLatencyMs.heard === run.events);
  return {
    goal:
      `live stream, ${shape.name}: ${first.subscribers.toLocaleString('en-US')} streams, ` +
      `${shape.eventsPerSecond} events/s, p99 commit → client, median of ${runs.length}`,
    measured:
      `p99 ${ms(p99)} (runs ${p99s.subject.map((value) => value.toFixed(1)).join(', ')}; ` +
      `p50 ${ms(median(runs.map((run) => run.verdict.latencyMs.p50)))}), ` +
      `${exact ? 'every stream exact in every run' : `${wrong} streams wrong`}, ` +
      `server RSS ${median(runs.map((run) => run.rssWithStreamsMiB)).toFixed(0)} MiB`,
    beside: paired
      ? `bare LISTEN p99 ${ms(median(p99s.ceiling))}`
      : 'bare LISTEN not paired in every run (notifications heard ≠ commits)',
    result: ms(p99),
    target: `<= ${shape.p99BoundMs} ms`,
    met: exact && p99 <= shape.p99BoundMs,
  };
}

async function main(): Promise<void> {
  const database = await startBenchDatabase();
  try {
    const results: ShapeResult[] = [];
    const goals: GoalResult[] = [];
    for (const shape of SHAPES.filter(
      (s) => !settings.BENCH_STREAM_ONLY || s.name === settings.BENCH_STREAM_ONLY,
    )) {
      const runs: ShapeResult[] = [];
      // Each run is paired with its own bare LISTEN, measured in the same run under the same load.
      const p99s = await runPairs(settings.BENCH_STREAM_RUNS, async () => {
        const result = await measureShape(
          database.db,
          database.connectionString,
          shape,
          settings.BENCH_STREAM_CPU_PROF,
        );
        runs.push(result);
        process.stdout.write(`${describe(result, runs.length)}\n`);
        return { subject: result.verdict.latencyMs.p99, ceiling: result.verdict.notifyLatencyMs.p99 };
      });
      results.push(...runs);
      goals.push(goalOf(runs, p99s));
    }
    process.stdout.write(`\n${formatGoals(goals)}\n`);
    const file = await writeBenchResults('event-stream', {
      scale: settings.BENCH_STREAM_SCALE,
      seconds: settings.BENCH_STREAM_SECONDS,
      runsPerShape: settings.BENCH_STREAM_RUNS,
      shapes: results,
      goals,
    });
    process.stdout.write(`figures written to ${file}\n`);
  } finally {
    await database.stop();
  }
}

await runBenchmark(main);
