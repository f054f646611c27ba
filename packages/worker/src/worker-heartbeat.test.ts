import { randomBytes } from 'node:crypto';
import { enqueueJob } from '@ipay/api';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerHeartbeat } from './worker-heartbeat';

describe('the worker heartbeat', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /** A queued job, then locked as graphile-worker's pool `poolId` would lock it. */
  async function jobLockedBy(poolId: string): Promise<string> {
    const id = await enqueueJob(database.db, 'maintenance.purge-expired', {});
    await sql`update graphile_worker._private_jobs set locked_by = ${poolId}, locked_at = now()
              where id = ${id}::bigint`.execute(database.db);
    return id;
  }
  const lockedBy = async (jobId: string) => {
    const { rows } = await sql<{ locked_by: string | null }>`
      select locked_by from graphile_worker._private_jobs where id = ${jobId}::bigint`.execute(database.db);
    return rows[0]?.locked_by;
  };
  const pools = async () =>
    (await database.db.selectFrom('worker_heartbeats').select('pool_id').orderBy('pool_id').execute()).map(
      (row) => row.pool_id,
    );

  it("frees the jobs of a pool silent for too long, leaves a live pool's alone, and removes its own row on stop", async () => {
    const suffix = randomBytes(4).toString('hex');
    const [dead, live, mine] = [`dead-${suffix}`, `live-${suffix}`, `mine-${suffix}`];
    await database.db
      .insertInto('worker_heartbeats')
      .values([
        { pool_id: dead, host: 'gone', pid: 1, seen_at: sql<Date>`now() - interval '10 minutes'` },
        { pool_id: live, host: 'here', pid: 2 },
      ])
      .execute();
    const deadJob = await jobLockedBy(dead);
    const liveJob = await jobLockedBy(live);

    const heartbeat = new WorkerHeartbeat({
      db: database.db,
      logger: pino({ level: 'silent' }),
      currentPoolId: () => mine,
      deadAfterMs: 60_000,
    });
    await heartbeat.start();
    expect(await lockedBy(deadJob)).toBeNull();
    expect(await lockedBy(liveJob)).toBe(live);
    expect(await pools()).toEqual([live, mine].sort());

    await heartbeat.stop();
    expect(await pools()).toEqual([live]);
  });
});
