import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Where a carrier's credit statements go: its billing department's address and e-mail.
  await db.schema
    .alterTable('tariff_carriers')
    .addColumn('billing_email', 'text', (c) => c.check(sql`billing_email ~ '^[^@\\s]+@[^@\\s]+$'`))
    .addColumn('billing_name', 'text')
    .addColumn('billing_address', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();

  await sql`create sequence carrier_statement_number_seq`.execute(db);
  // One credit statement per invoice import: the lines flagged for credit. `draft` until first sent, `open` while
  // the carrier owes part of what was claimed, `resolved` once credited in full.
  await db.schema
    .createTable('carrier_statements')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('import_id', 'uuid', (c) =>
      c.notNull().unique().references('carrier_invoice_imports.id').onDelete('cascade'),
    )
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'open', 'resolved')`))
    .addColumn('current_revision', 'integer', (c) => c.notNull())
    .addColumn('claimed_minor', 'bigint', (c) => c.notNull())
    // What the carrier was last sent: the age and the amount the aging report follows.
    .addColumn('sent_revision', 'integer')
    .addColumn('sent_claimed_minor', 'bigint')
    .addColumn('first_sent_at', 'timestamptz')
    .addColumn('last_sent_at', 'timestamptz')
    .addColumn('credited_minor', 'bigint', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`credited_minor >= 0`),
    )
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'carrier_statements_sent_check',
      sql`(status = 'draft') = (first_sent_at is null) and (first_sent_at is null) = (sent_revision is null)`,
    )
    .execute();
  await sql`create index carrier_statements_open_idx on carrier_statements (carrier_code, first_sent_at)
    where status = 'open'`.execute(db);

  // Every state of a statement, never edited: its lines as flagged then, and its PDF once rendered (lazily, once).
  await db.schema
    .createTable('carrier_statement_revisions')
    .addColumn('statement_id', 'uuid', (c) =>
      c.notNull().references('carrier_statements.id').onDelete('cascade'),
    )
    .addColumn('revision', 'integer', (c) => c.notNull().check(sql`revision >= 1`))
    .addColumn('lines', 'jsonb', (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('claimed_minor', 'bigint', (c) => c.notNull())
    .addColumn('pdf', 'bytea')
    .addColumn('pdf_sha256', 'text', (c) => c.check(sql`pdf_sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn('rendered_at', 'timestamptz')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('carrier_statement_revisions_pkey', ['statement_id', 'revision'])
    .addCheckConstraint(
      'carrier_statement_revisions_pdf_check',
      sql`(pdf is null) = (pdf_sha256 is null) and (pdf is null) = (rendered_at is null)`,
    )
    .execute();

  // What happened to a statement: revised, sent (with its e-mail), credited (with the credit note), resolved.
  await db.schema
    .createTable('carrier_statement_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('statement_id', 'uuid', (c) =>
      c.notNull().references('carrier_statements.id').onDelete('cascade'),
    )
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action in ('revised', 'sent', 'credited', 'resolved')`),
    )
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('email_id', 'uuid', (c) => c.references('email_outbox.id').onDelete('set null'))
    .addColumn('amount_minor', 'bigint')
    .addColumn('credit_note_reference', 'text')
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema
    .createIndex('carrier_statement_log_statement_idx')
    .on('carrier_statement_log')
    .columns(['statement_id', 'created_at'])
    .execute();
  // A revision is sent once, a credit note booked once: retries find the first entry.
  await sql`create unique index carrier_statement_log_sent_key on carrier_statement_log (statement_id, revision)
    where action = 'sent'`.execute(db);
  await sql`create unique index carrier_statement_log_credit_key on carrier_statement_log (statement_id, credit_note_reference)
    where action = 'credited'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('carrier_statement_log').execute();
  await db.schema.dropTable('carrier_statement_revisions').execute();
  await db.schema.dropTable('carrier_statements').execute();
  await sql`drop sequence carrier_statement_number_seq`.execute(db);
  await db.schema
    .alterTable('tariff_carriers')
    .dropColumn('billing_email')
    .dropColumn('billing_name')
    .dropColumn('billing_address')
    .execute();
}
