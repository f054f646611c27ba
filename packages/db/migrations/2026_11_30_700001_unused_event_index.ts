import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // No query reads events by organization and time: they are read by organization in stream order
  // (domain_events_organization_position_idx, which also serves the organization foreign key), by id, or by
  // resource. Every event wrote this index twice (its insert, and the numbering at commit writes a new version
  // of the row), for nothing.
  await sql`drop index domain_events_organization_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create index domain_events_organization_idx on domain_events (organization_id, occurred_at)`.execute(db);
}
