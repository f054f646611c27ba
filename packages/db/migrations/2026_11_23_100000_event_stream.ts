import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The live stream's cursor. Event ids are random UUIDs, so the stream needs its own order. A position is
  // taken from the sequence when the row is inserted, not when its transaction commits: readers must not
  // trust a position until every transaction that might still commit a lower one has ended (see the
  // events domain's event-feed.ts). Existing rows are numbered in their physical order.
  await sql`alter table domain_events add column stream_position bigserial`.execute(db);
  await db.schema
    .createIndex('domain_events_stream_position_key')
    .on('domain_events')
    .column('stream_position')
    .unique()
    .execute();
  await db.schema
    .createIndex('domain_events_organization_position_idx')
    .on('domain_events')
    .columns(['organization_id', 'stream_position'])
    .execute();

  // Single-use credentials for opening the stream (browsers' EventSource cannot send an Authorization
  // header). Only the SHA-256 of a ticket is kept, so a database read does not yield usable tickets.
  await db.schema
    .createTable('stream_tickets')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organization_id', 'uuid', (c) =>
      c.notNull().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('stream_tickets_expires_at_idx')
    .on('stream_tickets')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stream_tickets').execute();
  await db.schema.alterTable('domain_events').dropColumn('stream_position').execute();
}
