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

export function createDatabase(options: PoolOptions): DatabaseHandle {
  const pool = createPool(options);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}
