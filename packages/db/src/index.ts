export {
  createDatabase,
  type DatabaseHandle,
  type Db,
  type DbExecutor,
  type DbTransaction,
} from './database';
export { createPool, type DbPool, type PoolOptions } from './pool';
export { prepared } from './prepared';
export { Listener, type ListenerLogger, type ListenerOptions } from './listen';
export { getMigrationStatus, migrateToLatest, MigrationError, type MigrationStatus } from './migrate';
export {
  openLocalPostgres,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type RestartPolicy,
  type RunningPostgres,
} from './embedded';
export { freePort } from './free-port';
export type * from './schema.generated';
