import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One row per scheduler pass (the 15-minute cron or an operator's run-now): what it started.
  await db.schema
    .createTable('scheduler_passes')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('trigger', 'text', (c) => c.notNull().check(sql`trigger in ('schedule', 'run_now')`))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('syncs_enqueued', 'integer', (c) => c.notNull())
    .addColumn('backing_off', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scheduler_passes_started_idx')
    .on('scheduler_passes')
    .column('started_at')
    .execute();
  await db.schema
    .createIndex('sync_runs_merchant_provider_started_idx')
    .on('sync_runs')
    .columns(['merchant_id', 'provider', 'started_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sync_runs_merchant_provider_started_idx').execute();
  await db.schema.dropTable('scheduler_passes').execute();
}
