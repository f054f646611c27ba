import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import { enqueueJob, loadConfig } from '@ipay/api';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import type { WorkerEvents } from 'graphile-worker';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce, startWorker } from './runner';

const TASK = 'maintenance.purge-expired';
const JOBS = 20;
/** Far longer than stopping takes: what waits in the batch is written only because the stop waits for it. */
const LONG_BATCH_MS = 2_000;

/** Every job of the test task still in the queue, however it stands. */
async function leftJobs(database: TestDatabase) {
  const { rows } = await sql<{ locked_at: Date | null; attempts: number; last_error: string | null }>`
    select locked_at, attempts, last_error from graphile_worker.jobs
    where task_identifier = ${TASK}`.execute(database.db);
  return rows;
}

describe('batched job completion', () => {
  let database: TestDatabase;
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ NODE_ENV: 'test', IPAY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
  const deps = () => ({
    db: database.db,
    pool: database.pool,
    logger,
    config,
    encryptionKey: config.encryptionKey!,
  });
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await sql`delete from graphile_worker._private_jobs`.execute(database.db);
  });
  afterAll(() => database.drop());

  async function enqueueJobs() {
    for (let i = 0; i < JOBS; i += 1) await enqueueJob(database.db, TASK, {});
    // A payload the catalogue refuses: the job fails once and stays, failed, for an operator.
    await sql`select graphile_worker.add_job(${TASK}, '{"unexpected": true}'::json, max_attempts => 1)`.execute(
      database.db,
    );
  }

  it('writes every completion and failure before a stopping worker returns', async () => {
    await enqueueJobs();
    const events = new EventEmitter() as WorkerEvents;
    let ended = 0;
    let stopping: Promise<void> | undefined;
    const runner = await startWorker({ ...deps(), concurrency: 4, jobBatchDelayMs: LONG_BATCH_MS }, events);
    const stopped = new Promise<void>((resolve) => {
      events.on('job:complete', () => {
        ended += 1;
        // Stopped as the last job ends: its completion is still waiting in the batch.
        if (ended === JOBS + 1) stopping = runner.stop().then(resolve);
      });
    });
    await stopped;
    await stopping;
    const left = await leftJobs(database);
    expect(left).toEqual([
      { locked_at: null, attempts: 1, last_error: expect.stringContaining('unexpected') },
    ]);
  });

  it('writes every completion and failure before a run-once pass returns', async () => {
    await enqueueJobs();
    await runDueJobsOnce({ ...deps(), jobBatchDelayMs: LONG_BATCH_MS });
    const left = await leftJobs(database);
    expect(left).toEqual([
      { locked_at: null, attempts: 1, last_error: expect.stringContaining('unexpected') },
    ]);
  });
});
