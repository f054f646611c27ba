import type { Db } from '@ipay/db';
import type { Config, JobName, JobPayload } from '@ipay/api';
import type { Logger } from 'graphile-worker';

/** What every task handler gets once per process. */
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
export type TaskHandler<N extends JobName> = (payload: JobPayload<N>, context: TaskContext) => Promise<void>;
