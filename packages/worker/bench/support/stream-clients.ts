/**
 * The event-stream benchmark's subscribers: real HTTP SSE connections from a process of their own, so that
 * reading thousands of streams never runs on the server's event loop. Each connection notes the event ids it
 * receives and when (`performance.timeOrigin + performance.now()`, the machine clock the writer also reads).
 * Beside them one bare `LISTEN` on the events channel notes when each notification arrives: the ceiling, what
 * PostgreSQL's own notification path takes from commit to a listener on this machine under the same load.
 *
 * Driven over IPC by `event-stream.bench.ts`: `open` the streams, `counts` (events received so far), `verify`
 * against the events the writer committed (in stream order), `close`.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface StreamClient {
  ticket: string;
  /** The organization whose events this subscriber sees; null for an operator, who sees every event. */
  organizationId: string | null;
}

export interface CommittedEvent {
  id: string;
  organizationId: string;
  /** When COMMIT returned to the writer, ms since the epoch. */
  committedAt: number;
}

export interface StreamVerdict {
  streams: number;
  deliveries: number;
  expectedDeliveries: number;
  /** Streams whose events were not exactly theirs, each once, in stream order. */
  wrongStreams: number;
  missing: number;
  unexpected: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Commit to a bare LISTEN in this process: the ceiling. */
  notifyLatencyMs: { p50: number; p99: number; max: number; heard: number };
}

export type ClientsRequest =
  | { kind: 'open'; baseUrl: string; clients: StreamClient[]; concurrency: number }
  | { kind: 'counts' }
  | { kind: 'verify'; events: CommittedEvent[] }
  | { kind: 'close' };
export type ClientsMessage =
  | { kind: 'ready' }
  | { kind: 'opened'; streams: number; seconds: number }
  | { kind: 'counts'; deliveries: number; ended: number; cpuSeconds: number }
  | { kind: 'verdict'; verdict: StreamVerdict }
  | { kind: 'failed'; message: string };

const connectionString = process.argv[2];
if (!connectionString || !process.send) throw new Error('stream-clients runs as a forked child');
const send = (message: ClientsMessage) => process.send?.(message);
const now = () => performance.timeOrigin + performance.now();
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

interface OpenStream {
  client: StreamClient;
  ids: string[];
  receivedAt: number[];
  ended: boolean;
  request: http.ClientRequest;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 16 });
const streams: OpenStream[] = [];
const heardAt: number[] = [];

const listener = new pg.Client({ connectionString, application_name: 'ipay-bench-stream-listen' });
await listener.connect();
listener.on('notification', () => heardAt.push(now()));
await listener.query('listen ipay_domain_events');

const EMPTY: Buffer = Buffer.alloc(0);
const FRAME_END = Buffer.from('\n\n');
const LINE_END = Buffer.from('\n');
const ID_PREFIX = Buffer.from('id: ');

/** Frames are split on the blank line; only the `id:` line is read, the data is the server's concern. */
function openStream(baseUrl: string, client: StreamClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = `${baseUrl}/api/events/stream?token=${encodeURIComponent(client.ticket)}`;
    const request = http.get(url, { agent, headers: { accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`stream answered ${response.statusCode}`));
        return;
      }
      const stream: OpenStream = { client, ids: [], receivedAt: [], ended: false, request };
      streams.push(stream);
      // Bytes, not text: a frame starts with `id: <uuid>` and ends with a blank line; nothing else is read.
      let pending: Buffer = EMPTY;
      response.on('data', (chunk: Buffer) => {
        const at = now();
        let data: Buffer = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        let end: number;
        while ((end = data.indexOf(FRAME_END)) >= 0) {
          if (ID_PREFIX.compare(data, 0, ID_PREFIX.length) === 0) {
            stream.ids.push(data.toString('latin1', ID_PREFIX.length, data.indexOf(LINE_END)));
            stream.receivedAt.push(at);
          }
          data = data.subarray(end + FRAME_END.length);
        }
        pending = data;
        // The `: connected` comment arrives with the headers: the stream is subscribed.
        resolve();
      });
      response.on('end', () => (stream.ended = true));
      response.on('error', () => (stream.ended = true));
    });
    request.on('error', reject);
  });
}

async function openAll(baseUrl: string, clients: StreamClient[], concurrency: number): Promise<void> {
  let next = 0;
  const opener = async () => {
    while (next < clients.length) {
      const client = clients[next++];
      if (client) await openStream(baseUrl, client);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, opener));
}

function percentiles(values: Float64Array): { p50: number; p99: number; max: number } {
  values.sort();
  const at = (q: number) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), max: values[values.length - 1] ?? NaN };
}

/** Each stream must hold exactly the events of its organization (all, for an operator), in stream order. */
function verify(events: CommittedEvent[]): StreamVerdict {
  const byOrganization = new Map<string, CommittedEvent[]>();
  for (const event of events) {
    const list = byOrganization.get(event.organizationId) ?? [];
    list.push(event);
    byOrganization.set(event.organizationId, list);
  }
  const committedAt = new Map(events.map((event) => [event.id, event.committedAt]));
  let deliveries = 0;
  let expectedDeliveries = 0;
  let wrongStreams = 0;
  let missing = 0;
  let unexpected = 0;
  for (const stream of streams) deliveries += stream.ids.length;
  const latencies = new Float64Array(deliveries);
  let filled = 0;
  for (const stream of streams) {
    const expected =
      stream.client.organizationId === null
        ? events
        : (byOrganization.get(stream.client.organizationId) ?? []);
    expectedDeliveries += expected.length;
    const exact =
      expected.length === stream.ids.length && expected.every((event, n) => event.id === stream.ids[n]);
    if (!exact) {
      wrongStreams += 1;
      const received = new Set(stream.ids);
      const wanted = new Set(expected.map((event) => event.id));
      missing += expected.filter((event) => !received.has(event.id)).length;
      unexpected += stream.ids.filter((id) => !wanted.has(id)).length;
    }
    stream.ids.forEach((id, n) => {
      const committed = committedAt.get(id);
      if (committed !== undefined) latencies[filled++] = (stream.receivedAt[n] ?? NaN) - committed;
    });
  }
  // One event per transaction, so the n-th notification is the n-th commit, whatever its payload says; if the
  // counts differ (notifications coalesced or lost), there is no such pairing and no ceiling.
  const paired = heardAt.length === events.length;
  const notify = new Float64Array(paired ? events.length : 0);
  notify.forEach((_, n) => (notify[n] = (heardAt[n] ?? NaN) - (events[n]?.committedAt ?? NaN)));
  return {
    streams: streams.length,
    deliveries,
    expectedDeliveries,
    wrongStreams,
    missing,
    unexpected,
    latencyMs: percentiles(latencies.subarray(0, filled)),
    notifyLatencyMs: { ...percentiles(notify), heard: heardAt.length },
  };
}

process.on('message', (request: ClientsRequest) => {
  if (request.kind === 'open') {
    const started = now();
    heardAt.length = 0;
    openAll(request.baseUrl, request.clients, request.concurrency).then(
      () => send({ kind: 'opened', streams: streams.length, seconds: (now() - started) / 1000 }),
      (error: unknown) => send({ kind: 'failed', message: String(error) }),
    );
  } else if (request.kind === 'counts') {
    let deliveries = 0;
    for (const stream of streams) deliveries += stream.ids.length;
    send({
      kind: 'counts',
      deliveries,
      ended: streams.filter((stream) => stream.ended).length,
      cpuSeconds: cpuSeconds(),
    });
  } else if (request.kind === 'verify') {
    send({ kind: 'verdict', verdict: verify(request.events) });
  } else {
    for (const stream of streams) stream.request.destroy();
    agent.destroy();
    void listener.end().finally(() => process.exit(0));
  }
});
send({ kind: 'ready' });
