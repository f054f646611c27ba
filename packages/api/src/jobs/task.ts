import type { Db } from '@ipay/db';
import type { Logger } from 'graphile-worker';
import type { z } from 'zod';
import type { Config } from '../config';
import type { JobName, JobPayload } from './catalogue';
import type { JobDefinition } from './define';

/** What every task handler gets once per worker process. */
export interface WorkerDeps {
  db: Db;
  config: Config;
  /** The same key the API seals secrets with (IPAY_ENCRYPTION_KEY or the dev key file). */
  encryptionKey: Buffer;
}

export interface TaskContext extends WorkerDeps {
  logger: Logger;
  jobId: string;
  /** 1 on the first run; the job queue retries a handler that throws until maxAttempts. */
  attempt: number;
  maxAttempts: number;
}

/** A task handler: receives its already-validated payload and calls domain services. */
export type JobHandler<P> = (payload: P, context: TaskContext) => Promise<void>;

/** The handler of one catalogued job. */
export type TaskHandler<N extends JobName> = JobHandler<JobPayload<N>>;

/** A declared job with the handler the worker runs for it. */
export interface DomainTask extends JobDefinition {
  handler: JobHandler<never>;
}

/**
 * Pairs a domain's declared jobs with their handlers. The compiler insists on exactly one handler per
 * declared job, typed by its payload schema.
 */
export function withHandlers<J extends Record<string, JobDefinition>>(
  jobs: J,
  handlers: { [N in keyof J]: JobHandler<z.infer<J[N]['payload']>> },
): Record<string, DomainTask> {
  return Object.fromEntries(
    Object.entries(jobs).map(([name, job]) => [name, { ...job, handler: handlers[name as keyof J] }]),
  );
}
