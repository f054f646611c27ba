import type { Runner } from 'graphile-worker';
import { startWorker, type WorkerOptions } from './runner';

export interface SupervisedWorker {
  stop(): Promise<void>;
}

export interface RestartDelay {
  initialMs: number;
  maxMs: number;
}

const DEFAULT_RESTART_DELAY: RestartDelay = { initialMs: 1_000, maxMs: 30_000 };

/**
 * The worker, started again whenever its runner ends on its own. graphile-worker rides out short database
 * outages (it reconnects its listener, polls again, retries its batched writes), but gives up on a long one:
 * a batch of job completions that cannot be written shuts its pool down. Without a restart the process
 * would stay up and run no job until someone restarted it. Restarts continue for as long as it takes (the
 * database may be managed and down for a while), with a capped backoff, each one logged.
 */
export async function startSupervisedWorker(
  options: WorkerOptions,
  delay: RestartDelay = DEFAULT_RESTART_DELAY,
): Promise<SupervisedWorker> {
  const { logger } = options;
  let runner: Runner | undefined = await startWorker(options);
  let stopping = false;
  let attempts = 0;
  let timer: NodeJS.Timeout | undefined;
  let restarting: Promise<void> | undefined;

  const scheduleRestart = () => {
    if (stopping) return;
    const wait = Math.min(delay.maxMs, delay.initialMs * 2 ** attempts++);
    logger.warn(`restarting the worker in ${wait} ms (attempt ${attempts})`);
    timer = setTimeout(() => {
      restarting = startWorker(options).then(
        async (started) => {
          if (stopping) return started.stop();
          runner = started;
          attempts = 0;
          logger.info('the worker is running again');
          watch(started);
        },
        (error: unknown) => {
          logger.warn({ err: error }, 'the worker could not start');
          scheduleRestart();
        },
      );
    }, wait);
  };
  const watch = (watched: Runner) => {
    watched.promise.then(
      () => ended(watched, undefined),
      (error: unknown) => ended(watched, error),
    );
  };
  const ended = (watched: Runner, error: unknown) => {
    if (stopping || watched !== runner) return;
    runner = undefined;
    logger.warn({ err: error }, 'the worker stopped unexpectedly');
    scheduleRestart();
  };
  watch(runner);

  return {
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await restarting;
      await runner?.stop();
      runner = undefined;
    },
  };
}
