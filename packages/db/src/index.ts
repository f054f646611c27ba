export {
  createDatabase,
  type DatabaseHandle,
  type Db,
  type DbExecutor,
  type DbTransaction,
} from './database';
export { createPool, type PoolOptions } from './pool';
export { getMigrationStatus, migrateToLatest, MigrationError, type MigrationStatus } from './migrate';
export {
  openLocalPostgres,
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type RunningPostgres,
} from './embedded';
export type * from './schema.generated';
