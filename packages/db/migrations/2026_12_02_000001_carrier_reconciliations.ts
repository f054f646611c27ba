import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // How far a carrier's bill may stray from the cost engine's and still be MATCHED: rounding on the carrier's
  // side, never a real over-billing.
  await db.schema
    .alterTable('tariff_carriers')
    .addColumn('reconciliation_tolerance_minor', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(1)
        .check(sql`reconciliation_tolerance_minor >= 0`),
    )
    .execute();
  await db.schema.alterTable('carrier_invoice_imports').addColumn('matched_at', 'timestamptz').execute();

  // One parcel as one invoice import bills it (every line with its tracking number), or one account-level charge
  // (a line without one), compared with what the cost engine says the parcel should have cost on its ship date.
  await db.schema
    .createTable('carrier_reconciliations')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('import_id', 'uuid', (c) =>
      c.notNull().references('carrier_invoice_imports.id').onDelete('cascade'),
    )
    .addColumn('carrier_code', 'text', (c) => c.notNull())
    .addColumn('tracking_number', 'text')
    .addColumn('parcel_id', 'uuid', (c) => c.references('order_parcels.id').onDelete('set null'))
    .addColumn('order_id', 'uuid', (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`status in ('MATCHED', 'MISMATCH', 'UNMATCHED_IN_DB', 'ACCOUNT_CHARGE', 'DUPLICATE_ON_INVOICE')`,
        ),
    )
    .addColumn('mismatch_causes', sql`text[]`, (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'::text[]`)
        .check(sql`mismatch_causes <@ array['weight', 'zone', 'surcharge', 'fuel', 'price']::text[]`),
    )
    .addColumn('detail', 'text')
    .addColumn('line_numbers', sql`integer[]`, (c) => c.notNull())
    .addColumn('invoice_number', 'text', (c) => c.notNull())
    .addColumn('ship_date', 'date')
    .addColumn('currency', 'text', (c) => c.notNull().check(sql`currency ~ '^[A-Z]{3}$'`))
    .addColumn('billed_minor', 'bigint', (c) => c.notNull())
    .addColumn('expected_minor', 'bigint')
    .addColumn('delta_minor', 'bigint')
    // The two sides compared, by charge: what the invoice billed and the engine's breakdown.
    .addColumn('billed', 'jsonb', (c) => c.notNull())
    .addColumn('expected', 'jsonb')
    // The last decision of the audit trail (carrier_reconciliation_decisions), kept here to filter and total by.
    .addColumn('decision', 'text', (c) => c.check(sql`decision in ('credit_requested', 'excluded')`))
    .addColumn('decision_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'carrier_reconciliations_delta_check',
      sql`(expected_minor is null) = (delta_minor is null)`,
    )
    .execute();
  await db.schema
    .createIndex('carrier_reconciliations_import_status_idx')
    .on('carrier_reconciliations')
    .columns(['import_id', 'status', 'id'])
    .execute();
  await sql`create index carrier_reconciliations_tracking_idx on carrier_reconciliations (carrier_code, tracking_number)
    where tracking_number is not null`.execute(db);

  // Every decision on a reconciliation, never edited: a decision is undone only by a newer entry.
  await db.schema
    .createTable('carrier_reconciliation_decisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('reconciliation_id', 'uuid', (c) =>
      c.notNull().references('carrier_reconciliations.id').onDelete('cascade'),
    )
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action in ('request_credit', 'exclude', 'withdraw')`),
    )
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) between 1 and 2000`))
    .addColumn('decided_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema
    .createIndex('carrier_reconciliation_decisions_reconciliation_idx')
    .on('carrier_reconciliation_decisions')
    .columns(['reconciliation_id', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('carrier_reconciliation_decisions').execute();
  await db.schema.dropTable('carrier_reconciliations').execute();
  await db.schema.alterTable('carrier_invoice_imports').dropColumn('matched_at').execute();
  await db.schema.alterTable('tariff_carriers').dropColumn('reconciliation_tolerance_minor').execute();
}
