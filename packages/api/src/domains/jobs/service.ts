import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import { fieldErrorsFromIssues } from '../../errors/problem';
import { isJobName, JOB_CATALOGUE, JOB_NAMES, type JobName } from '../../jobs/catalogue';
import { enqueueJob, type EnqueueOptions } from '../../jobs/enqueue';
import type { Job, ListJobsInput } from './schemas';

interface JobRow {
  id: string;
  task_identifier: string;
  queue_name: string | null;
  payload: unknown;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  key: string | null;
  locked_at: Date | null;
  created_at: Date;
}

function jobRowToJob(row: JobRow): Job {
  return {
    id: row.id,
    task: row.task_identifier,
    queue: row.queue_name,
    payload: row.payload,
    runAt: row.run_at.toISOString(),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    key: row.key,
    locked: row.locked_at !== null,
    createdAt: row.created_at.toISOString(),
  };
}

/** Checks an operator-supplied task name and payload against the job catalogue, then enqueues it. */
export async function addJob(
  db: DbExecutor,
  request: { task: string; payload: unknown; options?: EnqueueOptions },
): Promise<string> {
  if (!isJobName(request.task)) {
    throw AppError.validation('task', `unknown task; known tasks: ${JOB_NAMES.join(', ')}`, 'unknown_task');
  }
  const task: JobName = request.task;
  const parsed = JOB_CATALOGUE[task].payload.safeParse(request.payload);
  if (!parsed.success) {
    const errors = fieldErrorsFromIssues(parsed.error.issues).map((e) => ({
      ...e,
      field: `payload.${e.field}`,
    }));
    throw new AppError(
      'validation_failed',
      `Invalid payload for ${task}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      {
        errors,
      },
    );
  }
  return enqueueJob(db, task, parsed.data as never, request.options);
}

async function selectJobs(db: DbExecutor, where: RawBuilder<unknown>, limit: number): Promise<Job[]> {
  const { rows } = await sql<JobRow>`
    select jobs.id::text as id, jobs.task_identifier, jobs.queue_name, private.payload, jobs.run_at, jobs.attempts,
           jobs.max_attempts, jobs.last_error, jobs.key, jobs.locked_at, jobs.created_at
    from graphile_worker.jobs as jobs
    join graphile_worker._private_jobs as private on private.id = jobs.id
    where ${where}
    order by jobs.run_at, jobs.id
    limit ${limit}`.execute(db);
  return rows.map(jobRowToJob);
}

/** Pending, running and failing jobs (graphile-worker deletes jobs once they succeed). */
export function listJobs(db: DbExecutor, input: ListJobsInput): Promise<Job[]> {
  return selectJobs(db, input.failed ? sql`jobs.last_error is not null` : sql`true`, input.limit);
}

/** Makes a job due now with a fresh attempt budget. */
export async function retryJob(db: DbExecutor, jobId: string): Promise<Job> {
  if (!/^\d{1,18}$/.test(jobId)) throw AppError.validation('id', 'must be a numeric job id', 'invalid_id');
  const { rows } = await sql<{ id: string }>`
    select id::text as id
    from graphile_worker.reschedule_jobs(array[${jobId}]::bigint[], run_at => now(), attempts => 0)`.execute(
    db,
  );
  const [job] = rows[0] ? await selectJobs(db, sql`jobs.id = ${jobId}::bigint`, 1) : [];
  if (!job)
    throw new AppError(
      'not_found',
      `Job ${jobId} does not exist (succeeded jobs are deleted) or is running.`,
    );
  return job;
}
