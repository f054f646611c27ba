import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import type pg from 'pg';
import { createPool, type PoolOptions } from './pool';
import type { Database } from './schema.generated';

export type Db = Kysely<Database>;
export type DbTransaction = Transaction<Database>;
/** Anything that can run a query: the pool-backed handle or an open transaction. */
export type DbExecutor = Db | DbTransaction;

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * close() resolves once every connection is really gone, not when the pool has only asked them to end: the
 * server may be stopped next, and a session it ends first reports an error (57P01) to a closing client.
 */
export function createDatabase(options: PoolOptions): DatabaseHandle {
  const pool = createPool(options);
  const open = new Set<Promise<void>>();
  pool.on('connect', (client) => {
    const ended = new Promise<void>((resolve) => client.once('end', resolve));
    open.add(ended);
    void ended.then(() => open.delete(ended));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    close: async () => {
      await db.destroy();
      // Kysely ends only a pool it has queried through; one used by pool.query alone (listeners, COPY) would
      // otherwise keep its idle connections until their timeout.
      if (!pool.ended) await pool.end();
      await Promise.all(open);
    },
  };
}
