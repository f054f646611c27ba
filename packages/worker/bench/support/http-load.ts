/**
 * A closed-loop HTTP load generator: a fixed number of keep-alive connections, each sending its next request as
 * soon as the previous answer is read. It runs in a child process of its own (`runLoad` forks this file), so
 * that the client's work does not share the event loop of the server it measures; both still share the
 * machine's cores, as a client on the same host would.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const LoadSpec = z.object({
  url: z.url(),
  method: z.enum(['GET', 'POST']),
  headers: z.record(z.string(), z.string()).default({}),
  /** A JSON body; every `{{n}}` in it becomes a value unique to each request of the run. */
  body: z.string().optional(),
  connections: z.number().int().min(1),
  /** Measured for this long, after `warmupSeconds` of requests that are not counted. */
  seconds: z.number().positive().optional(),
  /** Or: exactly this many requests (then no warm-up). */
  requests: z.number().int().positive().optional(),
  warmupSeconds: z.number().min(0).default(1),
  expectStatus: z.number().int(),
});
export type LoadSpec = z.input<typeof LoadSpec>;

export const LoadResult = z.object({
  requests: z.number(),
  seconds: z.number(),
  perSecond: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  failures: z.number(),
  firstFailure: z.string().optional(),
});
export type LoadResult = z.infer<typeof LoadResult>;

interface Answer {
  status: number;
  ms: number;
  body: string;
}

function send(agent: http.Agent, spec: z.infer<typeof LoadSpec>, body: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers = body
      ? { ...spec.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      : spec.headers;
    const request = http.request(spec.url, { method: spec.method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          ms: performance.now() - started,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function generate(spec: z.infer<typeof LoadSpec>): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const run = `${process.pid}-${Date.now().toString(36)}`;
  let sequence = 0;
  const bodyFor = () => spec.body?.replaceAll('{{n}}', `${run}-${(sequence += 1)}`);
  let failures = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];

  async function phase(until: number | undefined, budget: { left: number } | undefined, counted: boolean) {
    const loop = async () => {
      while (until === undefined ? (budget?.left ?? 0) > 0 : performance.now() < until) {
        if (budget) budget.left -= 1;
        const answer = await send(agent, spec, bodyFor());
        if (answer.status !== spec.expectStatus) {
          failures += 1;
          firstFailure ??= `${answer.status} ${answer.body.slice(0, 300)}`;
        } else if (counted) latencies.push(answer.ms);
      }
    };
    await Promise.all(Array.from({ length: spec.connections }, loop));
  }

  if (spec.requests === undefined && spec.warmupSeconds > 0) {
    await phase(performance.now() + spec.warmupSeconds * 1000, undefined, false);
  }
  const started = performance.now();
  if (spec.requests !== undefined) await phase(undefined, { left: spec.requests }, true);
  else await phase(started + (spec.seconds ?? 10) * 1000, undefined, true);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
    firstFailure,
  };
}

/** Runs one load in a child process and returns what it measured. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const answer = once(child, 'message');
  const exited = once(child, 'exit');
  child.send(LoadSpec.parse(spec));
  const [message] = (await Promise.race([
    answer,
    exited.then(([code]) => {
      throw new Error(`the load generator exited (${String(code)}) before answering`);
    }),
  ])) as [unknown];
  await exited;
  return LoadResult.parse(message);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  process.once('message', (message: unknown) => {
    generate(LoadSpec.parse(message)).then(
      (result) => process.send?.(result, () => process.disconnect()),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
