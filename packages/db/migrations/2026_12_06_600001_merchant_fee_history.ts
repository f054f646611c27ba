import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A merchant's IPAY fee per order, as an append-only history: each change is a new row (who, when, why, the
  // values before and after, and from when it applies), never updated or deleted. The fee of an order is the
  // row in force when the order was paid; a null fee means "no contract fee": the platform default applies.
  await sql`
    create table merchant_fee_changes (
      id bigint generated always as identity primary key,
      organization_id uuid not null references organizations (id),
      fee_per_order_minor bigint check (fee_per_order_minor >= 0),
      fee_currency text not null default 'EUR' check (fee_currency = 'EUR'),
      contract_signed_at timestamptz,
      previous_fee_per_order_minor bigint,
      previous_contract_signed_at timestamptz,
      effective_from timestamptz not null,
      reason text not null check (length(reason) between 1 and 500),
      changed_by uuid references users (id) on delete set null,
      changed_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index merchant_fee_changes_org_idx on merchant_fee_changes (organization_id, effective_from, id)`.execute(
    db,
  );
  await sql`
    create function merchant_fee_changes_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'merchant_fee_changes is append-only';
    end $$`.execute(db);
  await sql`
    create trigger merchant_fee_changes_append_only before update or delete on merchant_fee_changes
    for each row execute function merchant_fee_changes_append_only()`.execute(db);

  // The settlement reads a merchant's paid sessions by time, and refunds by when they were made.
  await sql`create index payment_sessions_merchant_paid_idx on payment_sessions (merchant_id, paid_at)
    where paid_at is not null`.execute(db);
  await sql`create index payments_refunded_idx on payments (refunded_at) where refunded_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index payments_refunded_idx`.execute(db);
  await sql`drop index payment_sessions_merchant_paid_idx`.execute(db);
  await sql`drop table merchant_fee_changes`.execute(db);
  await sql`drop function merchant_fee_changes_append_only()`.execute(db);
}
