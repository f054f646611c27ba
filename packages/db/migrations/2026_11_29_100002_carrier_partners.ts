import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A partner is an organization of type `partner` (a carrier or delivery company); this is what only partners
  // have: a contact, and the carrier codes they deliver for.
  await db.schema
    .createTable('partners')
    .addColumn('organization_id', 'uuid', (c) =>
      c.primaryKey().references('organizations.id').onDelete('cascade'),
    )
    .addColumn('contact_name', 'text', (c) => c.notNull())
    .addColumn('contact_email', 'text', (c) => c.notNull().check(sql`contact_email = lower(contact_email)`))
    .addColumn('contact_phone', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Two partners with one name would be told apart by nobody; the name is the organization's.
  await sql`create unique index organizations_partner_name_idx on organizations (lower(name)) where type = 'partner'`.execute(
    db,
  );

  // A carrier code may belong to several partners (a carrier and its subcontractors): unique per pair only.
  // Codes are stored as orders store them: upper case, 2 to 32 of A-Z, 0-9, _ and -.
  await db.schema
    .createTable('partner_carrier_codes')
    .addColumn('organization_id', 'uuid', (c) =>
      c.notNull().references('partners.organization_id').onDelete('cascade'),
    )
    .addColumn('carrier_code', 'text', (c) => c.notNull().check(sql`carrier_code ~ '^[A-Z0-9_-]{2,32}$'`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('partner_carrier_codes_pkey', ['organization_id', 'carrier_code'])
    .execute();
  await db.schema
    .createIndex('partner_carrier_codes_carrier_idx')
    .on('partner_carrier_codes')
    .column('carrier_code')
    .execute();

  // The `carrier` data scope: the parcels whose carrier code is one of the caller's partner's.
  await sql`alter table role_permissions drop constraint role_permissions_scope_check`.execute(db);
  await sql`alter table role_permissions add constraint role_permissions_scope_check
    check (scope in ('own', 'organization', 'carrier', 'all'))`.execute(db);

  // Which partner user last released or moved the parcel, kept on the session so the carrier's lists need no
  // walk through the event log (which keeps every step with its actor).
  await db.schema
    .alterTable('payment_sessions')
    .addColumn('handled_by_user_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('handled_by_partner_id', 'uuid', (c) => c.references('organizations.id'))
    .addColumn('handled_at', 'timestamptz')
    .execute();
  // The carrier's parcel list: its carrier codes, newest first.
  await db.schema
    .createIndex('payment_sessions_carrier_created_idx')
    .on('payment_sessions')
    .columns(['carrier_code', 'created_at', 'id'])
    .execute();
  await sql`create index payment_sessions_handled_by_user_idx on payment_sessions (handled_by_user_id)
    where handled_by_user_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('payment_sessions_handled_by_user_idx').execute();
  await db.schema.dropIndex('payment_sessions_carrier_created_idx').execute();
  await db.schema
    .alterTable('payment_sessions')
    .dropColumn('handled_at')
    .dropColumn('handled_by_partner_id')
    .dropColumn('handled_by_user_id')
    .execute();
  // Grants of the scope that no longer exists go with it; the next start reconciles the system roles.
  await sql`delete from role_permissions where scope = 'carrier'`.execute(db);
  await sql`alter table role_permissions drop constraint role_permissions_scope_check`.execute(db);
  await sql`alter table role_permissions add constraint role_permissions_scope_check
    check (scope in ('own', 'organization', 'all'))`.execute(db);
  await db.schema.dropTable('partner_carrier_codes').execute();
  await db.schema.dropIndex('organizations_partner_name_idx').execute();
  await db.schema.dropTable('partners').execute();
}
