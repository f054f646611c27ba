import type { Db } from '@ipay/db';
import type { JobName, JobPayload } from '@ipay/api';
import type { Logger } from 'graphile-worker';

export interface TaskContext {
  db: Db;
  logger: Logger;
  jobId: string;
}

/** A task handler: receives its already-validated payload and calls domain services. */
export type TaskHandler<N extends JobName> = (payload: JobPayload<N>, context: TaskContext) => Promise<void>;
