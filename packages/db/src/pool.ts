import pg from 'pg';
import { prepareMarkedStatements } from './prepared';

const INT8_OID = 20;

// bigint columns hold money in minor units; they fit a JS number far beyond any real amount,
// and failing loudly beats silently rounding.
pg.types.setTypeParser(INT8_OID, (value) => {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`bigint ${value} exceeds the safe integer range`);
  return parsed;
});

/** The pool behind a `Db`, for what Kysely cannot do (LISTEN). */
export type DbPool = pg.Pool;

export interface PoolOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /**
   * How long a query waits for a connection (a new one, or a free one from a full pool). Without a bound, a
   * server that accepts TCP but never answers (stopped, overloaded, half-open network) holds requests forever.
   */
  connectionTimeoutMillis?: number;
  /** Idle clients can fail (server restart, network); without a listener that would crash the process. */
  onError?: (error: Error) => void;
}

export function createPool({
  connectionString,
  max = 10,
  applicationName = 'ipay',
  connectionTimeoutMillis = 10_000,
  onError = (error) => process.stderr.write(`postgres pool: ${error.message}\n`),
}: PoolOptions): DbPool {
  const pool = new pg.Pool({
    connectionString,
    max,
    application_name: applicationName,
    connectionTimeoutMillis,
  });
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    prepareMarkedStatements(client);
  });
  return pool;
}
