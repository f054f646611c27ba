import pg from 'pg';

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
  /** Idle clients can fail (server restart, network); without a listener that would crash the process. */
  onError?: (error: Error) => void;
}

export function createPool({
  connectionString,
  max = 10,
  applicationName = 'ipay',
  onError = (error) => process.stderr.write(`postgres pool: ${error.message}\n`),
}: PoolOptions): DbPool {
  const pool = new pg.Pool({ connectionString, max, application_name: applicationName });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}
