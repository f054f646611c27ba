import os from 'node:os';
import { sql } from 'kysely';
import type { Db } from '@ipay/db';
import type { Logger } from 'pino';

export interface WorkerHeartbeatOptions {
  db: Db;
  logger: Logger;
  /** The id of the worker pool running now in this process (graphile-worker's `locked_by`), if any. */
  currentPoolId: () => string | undefined;
  /** How long a pool may stay silent before its jobs are freed for others (WORKER_DEAD_AFTER_SECONDS). */
  deadAfterMs: number;
}

/** Often enough that a live pool beats several times within the shortest allowed silence (5 s). */
const MAX_INTERVAL_MS = 10_000;

/**
 * A worker process killed outright (SIGKILL, a lost machine) leaves the jobs its pool had taken locked, and
 * graphile-worker frees them only after four hours: webhook deliveries of a whole endpoint queue would wait that
 * long. Every worker process therefore writes its pool's heartbeat row, and each of them frees the jobs of any
 * pool silent for longer than `deadAfterMs` (graphile-worker's `force_unlock_workers`): they run again, as
 * at-least-once allows. A pool whose process only stalled that long loses its jobs to another worker and may
 * finish them too; every task is idempotent. The row is deleted when the pool shuts down cleanly.
 */
export class WorkerHeartbeat {
  readonly #options: WorkerHeartbeatOptions;
  readonly #registered = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;

  constructor(options: WorkerHeartbeatOptions) {
    this.#options = options;
  }

  /** Beats and sweeps once now, then on every interval. */
  async start(): Promise<void> {
    await this.#tick();
    this.#timer = setInterval(
      () => void this.#tick(),
      Math.min(MAX_INTERVAL_MS, this.#options.deadAfterMs / 4),
    );
    this.#timer.unref();
  }

  /** Stops beating and removes this process's rows: its pools are shut down, none of their jobs is locked. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pass;
    await this.#forget([...this.#registered]).catch((error: unknown) =>
      this.#options.logger.warn({ err: error }, 'could not remove the worker heartbeat'),
    );
  }

  #tick(): Promise<void> {
    this.#pass ??= this.#beatAndSweep()
      .catch((error: unknown) => this.#options.logger.warn({ err: error }, 'worker heartbeat failed'))
      .finally(() => (this.#pass = undefined));
    return this.#pass;
  }

  async #beatAndSweep(): Promise<void> {
    const { db } = this.#options;
    const poolId = this.#options.currentPoolId();
    // A pool replaced after a restart was unlocked by the supervisor; its row goes with it.
    await this.#forget([...this.#registered].filter((id) => id !== poolId));
    if (poolId) {
      await db
        .insertInto('worker_heartbeats')
        .values({ pool_id: poolId, host: os.hostname(), pid: process.pid })
        .onConflict((oc) => oc.column('pool_id').doUpdateSet({ seen_at: sql<Date>`now()` }))
        .execute();
      this.#registered.add(poolId);
    }
    await this.#sweep();
  }

  /** Frees the jobs of every pool silent for too long; of two workers sweeping at once, one takes each row. */
  async #sweep(): Promise<void> {
    const deadAfterSeconds = this.#options.deadAfterMs / 1_000;
    const dead = await this.#options.db.transaction().execute(async (trx) => {
      const rows = await trx
        .deleteFrom('worker_heartbeats')
        .where('seen_at', '<', sql<Date>`now() - make_interval(secs => ${deadAfterSeconds})`)
        .returning(['pool_id', 'host', 'pid', 'seen_at'])
        .execute();
      if (rows.length) {
        await sql`select graphile_worker.force_unlock_workers(${rows.map((r) => r.pool_id)}::text[])`.execute(
          trx,
        );
      }
      return rows;
    });
    for (const pool of dead) {
      this.#options.logger.warn(
        `freed the jobs of worker pool ${pool.pool_id} (${pool.host}, pid ${pool.pid}), silent since ${pool.seen_at.toISOString()}`,
      );
    }
  }

  async #forget(poolIds: string[]): Promise<void> {
    if (!poolIds.length) return;
    await this.#options.db.deleteFrom('worker_heartbeats').where('pool_id', 'in', poolIds).execute();
    for (const id of poolIds) this.#registered.delete(id);
  }
}
