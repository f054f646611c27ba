import { EventEmitter, once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeEndpointAgents } from '@ipay/api';
import type { Runner, WorkerEvents } from 'graphile-worker';
import { EventRelay, type EventRelayOptions } from './event-relay';
import { startWorker, type WorkerOptions } from './runner';
import { WorkerHeartbeat, type WorkerHeartbeatOptions } from './worker-heartbeat';

export interface SupervisedWorker {
  stop(): Promise<void>;
}

export interface RestartDelay {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_RESTART_DELAY: RestartDelay = { initialMs: 1_000, maxMs: 30_000 };
/** How long a pool that is shutting down may take to finish its running jobs before they are unlocked anyway. */
const DRAIN_TIMEOUT_MS = 30_000;

interface TrackedRunner {
  runner: Runner;
  /** The id graphile-worker writes into `locked_by` of the jobs this runner's pool takes. */
  poolId: string | undefined;
  /** Settles when the pool starts shutting down, or the runner ends: whichever comes first. */
  ending: Promise<unknown>;
  /** Settles once the pool's workers have let go of their jobs. */
  drained: Promise<unknown>;
}

async function startTracked(options: WorkerOptions): Promise<TrackedRunner> {
  const events = new EventEmitter() as WorkerEvents;
  let poolId: string | undefined;
  events.on('pool:create', ({ workerPool }) => (poolId = workerPool.id));
  const shutdown = once(events, 'pool:gracefulShutdown');
  const drained = Promise.race([
    once(events, 'pool:gracefulShutdown:complete'),
    once(events, 'pool:gracefulShutdown:error'),
  ]);
  const runner = await startWorker(options, events);
  const settled = runner.promise.catch((error: unknown) => error);
  // `once` rejects on an 'error' event; either way the pool is done with.
  const either = (first: Promise<unknown>) => Promise.race([first, settled]).catch(() => undefined);
  return { runner, poolId, ending: either(shutdown), drained: either(drained) };
}

/**
 * The worker, started again whenever it stops on its own. graphile-worker 0.17 shuts its worker pool down as
 * soon as it cannot write a job's completion or failure (any lost connection: a database restart), and that
 * pool may then never finish shutting down (its batchers' pending count can go wrong when two batches fail
 * together), so the runner's promise is not a reliable signal: the pool's own shutdown event is. The jobs the
 * dead pool had taken stay locked by it for four hours before graphile-worker frees them, so before each
 * restart they are unlocked (they run again: tasks are idempotent). Restarts continue for as long as the
 * database is away, with a capped backoff, each one logged. Beside it run the event relay (event-relay.ts) and
 * the heartbeat that frees the jobs of worker processes that died outright (worker-heartbeat.ts).
 */
export async function startSupervisedWorker(
  options: WorkerOptions & {
    relay?: Partial<EventRelayOptions>;
    heartbeat?: Pick<WorkerHeartbeatOptions, 'deadAfterMs'>;
  },
  delay: RestartDelay = DEFAULT_RESTART_DELAY,
): Promise<SupervisedWorker> {
  const { logger, pool } = options;
  let current: TrackedRunner | undefined = await startTracked(options);
  // The relay keeps its own connection and reconnects on its own; it lives as long as the worker, restarts
  // of the job runner included.
  const relay = new EventRelay({ db: options.db, pool, logger, ...options.relay });
  await relay.start();
  const heartbeat = new WorkerHeartbeat({
    db: options.db,
    logger,
    currentPoolId: () => current?.poolId,
    deadAfterMs: options.heartbeat?.deadAfterMs ?? options.config.workerDeadAfterSeconds * 1_000,
  });
  await heartbeat.start();
  const deadPools = new Map<string, Promise<unknown>>();
  let stopping = false;
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const unlockDeadPools = async () => {
    if (!deadPools.size) return;
    await Promise.race([Promise.all(deadPools.values()), sleep(DRAIN_TIMEOUT_MS, undefined, { ref: false })]);
    const ids = [...deadPools.keys()];
    await pool.query('select graphile_worker.force_unlock_workers($1::text[])', [ids]);
    logger.info(`unlocked the jobs of the stopped worker pool ${ids.join(', ')}`);
    for (const id of ids) deadPools.delete(id);
  };
  const restart = async () => {
    await unlockDeadPools();
    const started = await startTracked(options);
    if (stopping) return started.runner.stop();
    current = started;
    attempts = 0;
    logger.info('the worker is running again');
    watch(started);
  };
  const scheduleRestart = () => {
    if (stopping) return;
    const wait = Math.min(delay.maxMs, delay.initialMs * 2 ** attempts++);
    logger.warn(`restarting the worker in ${wait} ms (attempt ${attempts})`);
    timer = setTimeout(() => {
      restarting = restart().catch((error: unknown) => {
        logger.warn({ err: error }, 'the worker could not restart yet');
        scheduleRestart();
      });
    }, wait);
  };
  const watch = (watched: TrackedRunner) => {
    void watched.ending.then(() => {
      if (stopping || watched !== current) return;
      current = undefined;
      if (watched.poolId) deadPools.set(watched.poolId, watched.drained);
      logger.warn('the worker stopped unexpectedly');
      // Its pool is going or gone; this ends its crontab too.
      watched.runner.stop().catch(() => undefined);
      scheduleRestart();
    });
  };
  watch(current);

  return {
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      // First, so the delivery jobs of its last batch are queued for the runner's last jobs.
      await relay.stop();
      await restarting;
      await current?.runner.stop();
      current = undefined;
      await heartbeat.stop();
      closeEndpointAgents();
    },
  };
}
