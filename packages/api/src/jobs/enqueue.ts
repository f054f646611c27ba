import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { JOB_CATALOGUE, type JobName, type JobPayload } from './catalogue';

export interface EnqueueOptions {
  /** At most one pending job per key: a second enqueue replaces the first (graphile-worker job_key). */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  /** Jobs in one queue run one at a time, in order. */
  queueName?: string;
}

/**
 * Adds a job through graphile-worker's SQL API on the given executor, so a job enqueued inside a transaction
 * exists only if that transaction commits.
 */
export async function enqueueJob<N extends JobName>(
  db: DbExecutor,
  name: N,
  payload: JobPayload<N>,
  options: EnqueueOptions = {},
): Promise<string> {
  const checked: unknown = JOB_CATALOGUE[name].payload.parse(payload);
  const { rows } = await sql<{ id: string }>`
    select (graphile_worker.add_job(
      ${name},
      ${JSON.stringify(checked)}::json,
      queue_name => ${options.queueName ?? null}::text,
      run_at => ${options.runAt ?? null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? null}::int,
      job_key => ${options.jobKey ?? null}::text
    )).id::text as id`.execute(db);
  const id = rows[0]?.id;
  if (!id) throw new Error(`graphile_worker.add_job returned no job for ${name}`);
  return id;
}

/**
 * Adds several jobs of one task in one statement (graphile-worker's `add_jobs`, which `add_job` itself calls),
 * on the given executor, so they exist only if its transaction commits. Each job's key replaces a pending job
 * with the same key, as `enqueueJob` does.
 */
export async function enqueueJobs<N extends JobName>(
  db: DbExecutor,
  name: N,
  jobs: ReadonlyArray<{ payload: JobPayload<N> } & Omit<EnqueueOptions, 'maxAttempts'>>,
): Promise<void> {
  if (!jobs.length) return;
  const specs = jobs.map((job) => ({
    identifier: name,
    payload: JOB_CATALOGUE[name].payload.parse(job.payload),
    job_key: job.jobKey ?? null,
    queue_name: job.queueName ?? null,
    run_at: job.runAt?.toISOString() ?? null,
  }));
  await sql`
    select 1 from graphile_worker.add_jobs(
      array(select json_populate_recordset(null::graphile_worker.job_spec, ${JSON.stringify(specs)}::json))
    )`.execute(db);
}
