import { run, runOnce, type Logger as WorkerLogger, type Runner, type WorkerEvents } from 'graphile-worker';
import { Logger as GraphileLogger } from 'graphile-worker';
import { DOMAIN_EVENT_CONSUMERS, drainDomainEvents, type JobName } from '@ipay/api';
import type pg from 'pg';
import type { Logger } from 'pino';
import { cronItems } from './crontab';
import { createTaskList } from './task-list';
import type { WorkerDeps } from './tasks/task-context';

const PINO_LEVELS: Record<string, 'error' | 'warn' | 'info' | 'debug'> = {
  error: 'error',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
};

function workerLogger(logger: Logger): WorkerLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const log = logger.child({ worker: scope });
    const method = PINO_LEVELS[String(level)] ?? 'info';
    // graphile-worker passes raw pg errors whose `client` field would dump connection internals.
    const error =
      meta?.error instanceof Error
        ? { message: meta.error.message, code: (meta.error as { code?: string }).code }
        : undefined;
    log[method]({ ...meta, ...(error ? { error } : {}) }, message);
  });
}

/**
 * Job completions and failures are written in batches: one statement for every job that ended within
 * JOB_BATCH_DELAY_MS, instead of one per job. Batched writes are flushed when the pool is released, which a
 * run-once pass and a shutdown both await (unbatched, graphile-worker 0.17 writes a job's completion without
 * awaiting it, so either could end before the write lands and leave the job locked for hours). A worker killed
 * outright loses at most that window's writes: those jobs run again once unlocked, as at-least-once allows.
 * These options only take effect under `preset.worker` in 0.17.
 */
export const JOB_BATCH_DELAY_MS = 5;
const presetWith = (delayMs = JOB_BATCH_DELAY_MS) => ({
  worker: { completeJobBatchDelay: delayMs, failJobBatchDelay: delayMs },
});

export interface WorkerOptions extends WorkerDeps {
  pool: pg.Pool;
  logger: Logger;
  concurrency: number;
  /** For tests: a longer batching window, to prove a shutdown still writes what waits in it. */
  jobBatchDelayMs?: number;
}

function workerDeps({ db, config, encryptionKey }: WorkerDeps): WorkerDeps {
  return { db, config, encryptionKey };
}

/** Runs jobs and the crontab until stopped; signals are the caller's to handle. */
export function startWorker(options: WorkerOptions, events?: WorkerEvents): Promise<Runner> {
  return run({
    pgPool: options.pool,
    events,
    preset: presetWith(options.jobBatchDelayMs),
    concurrency: options.concurrency,
    noHandleSignals: true,
    logger: workerLogger(options.logger),
    taskList: createTaskList(workerDeps(options)),
    parsedCronItems: cronItems(),
  });
}

/**
 * Relays every committed event past the relay's cursor to its consumers, runs every job that is due now, and
 * repeats while those jobs recorded more events, then returns: for tests and `ipay jobs run-once`. With
 * `tasks`, only jobs of those tasks run and nothing is relayed (a benchmark times one task without the
 * follow-on work it causes).
 */
export async function runDueJobsOnce(
  options: Omit<WorkerOptions, 'concurrency'> & { tasks?: readonly JobName[] },
): Promise<void> {
  const runJobs = () =>
    runOnce({
      pgPool: options.pool,
      preset: presetWith(options.jobBatchDelayMs),
      noHandleSignals: true,
      logger: workerLogger(options.logger),
      taskList: createTaskList(workerDeps(options), options.tasks),
    });
  if (options.tasks) return runJobs();
  const relay = () => drainDomainEvents(options.db, { consumers: DOMAIN_EVENT_CONSUMERS });
  await relay();
  do await runJobs();
  while ((await relay()) > 0);
}
