/**
 * The event-stream benchmark's API process: the real server (`startBenchPlatform`) on the benchmark's database,
 * alone in its process so that what it costs (CPU, resident memory) is its own. Driven over IPC by
 * `event-stream.bench.ts`: it answers `memory` with its RSS (after a collection), the peak RSS seen since the
 * last `memory` and the CPU time it has used so far, and `stop` closes the server and exits (which also writes a `--cpu-prof` profile).
 */
import { createDatabase } from '@ipay/db';
import { startBenchPlatform } from './bench-platform';
import { sampleMemory, type MemorySampler } from './memory';

export type ServerRequest = { kind: 'memory' } | { kind: 'stop' };
export type ServerMessage =
  | { kind: 'ready'; baseUrl: string }
  | { kind: 'memory'; rssBytes: number; peakRssBytes: number; streams: number; cpuSeconds: number };

const connectionString = process.argv[2];
if (!connectionString || !process.send) throw new Error('stream-server runs as a forked child');
const send = (message: ServerMessage) => process.send?.(message);

const database = createDatabase({ connectionString, max: 10, applicationName: 'ipay-bench-stream-api' });
const platform = await startBenchPlatform({
  ...database,
  connectionString,
  stop: () => database.close(),
});
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
let sampler: MemorySampler = sampleMemory(50);

process.on('message', (request: ServerRequest) => {
  if (request.kind === 'memory') {
    globalThis.gc?.();
    const peak = sampler.stop();
    sampler = sampleMemory(50);
    send({
      kind: 'memory',
      rssBytes: process.memoryUsage().rss,
      peakRssBytes: peak.rssBytes,
      streams: platform.server.eventHub.streamCount,
      cpuSeconds: cpuSeconds(),
    });
  } else {
    sampler.stop();
    void platform
      .close()
      .then(() => database.close())
      .finally(() => process.exit(0));
  }
});
send({ kind: 'ready', baseUrl: platform.baseUrl });
