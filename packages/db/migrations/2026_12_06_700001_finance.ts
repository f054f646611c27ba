import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The chart-of-accounts mapping: IPAY's account keys (`merchant_payable`, `psp_receivable:stripe`, …) to
  // Exact Online general ledger accounts, which Exact names by GUID. Operators maintain it through the API.
  await sql`
    create table finance_account_mappings (
      account_key text primary key check (account_key ~ '^[a-z_]+(:[a-z_]+)?$'),
      gl_account uuid not null,
      description text not null,
      updated_by uuid not null,
      updated_at timestamptz not null default now()
    )`.execute(db);

  // One batch per Amsterdam day and revision: a rebuild whose lines differ makes the next revision and
  // supersedes an unposted one. `built_by` is who triggered the build (null: the daily job on its own).
  await sql`
    create table finance_batches (
      id uuid primary key default gen_random_uuid(),
      day date not null,
      revision int not null check (revision >= 1),
      status text not null default 'pending'
        check (status in ('pending', 'approved', 'rejected', 'posted', 'failed', 'superseded')),
      content_hash text not null,
      built_by uuid,
      totals jsonb not null,
      failure text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      posted_at timestamptz,
      unique (day, revision)
    )`.execute(db);
  await sql`create index finance_batches_list_idx on finance_batches (day desc, revision desc, id)`.execute(
    db,
  );

  // A journal entry: lines sum to zero in its one currency (checked when written and again by Exact).
  await sql`
    create table finance_batch_entries (
      id uuid primary key default gen_random_uuid(),
      batch_id uuid not null references finance_batches (id),
      position int not null,
      entry_key text not null,
      description text not null,
      currency text not null,
      lines jsonb not null,
      post_attempted_at timestamptz,
      exact_entry_id uuid,
      posted_at timestamptz,
      unique (batch_id, position),
      unique (batch_id, entry_key)
    )`.execute(db);

  // Append-only decisions. An approval is bound to the content hash it saw and used once (by one posting).
  await sql`
    create table finance_batch_decisions (
      id uuid primary key default gen_random_uuid(),
      batch_id uuid not null references finance_batches (id),
      decision text not null check (decision in ('approve', 'reject')),
      content_hash text not null,
      decided_by uuid not null,
      reason text,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      check (decision = 'approve' or reason is not null)
    )`.execute(db);
  await sql`create unique index finance_batch_decisions_one_approval
    on finance_batch_decisions (batch_id) where decision = 'approve'`.execute(db);

  // Exact Online's OAuth tokens, sealed like every secret. One row per division; refresh tokens are single-use,
  // so the row is replaced under an advisory lock before a new access token is used.
  await sql`
    create table exact_tokens (
      division int primary key,
      access_token_sealed text,
      access_expires_at timestamptz,
      refresh_token_sealed text not null,
      rotated_at timestamptz not null default now()
    )`.execute(db);

  // What the PSPs paid out, as their payout reports say: the collection day it settles, gross, fee and net.
  await sql`
    create table psp_payouts (
      id uuid primary key default gen_random_uuid(),
      psp text not null,
      payout_id text not null,
      settles_day date not null,
      arrival_day date not null,
      currency text not null,
      gross_minor bigint not null,
      fee_minor bigint not null check (fee_minor >= 0),
      net_minor bigint not null,
      recorded_by uuid not null,
      created_at timestamptz not null default now(),
      unique (psp, payout_id),
      check (net_minor = gross_minor - fee_minor)
    )`.execute(db);
  await sql`create index psp_payouts_settles_idx on psp_payouts (settles_day)`.execute(db);
  await sql`create index psp_payouts_arrival_idx on psp_payouts (arrival_day)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table psp_payouts`.execute(db);
  await sql`drop table exact_tokens`.execute(db);
  await sql`drop table finance_batch_decisions`.execute(db);
  await sql`drop table finance_batch_entries`.execute(db);
  await sql`drop table finance_batches`.execute(db);
  await sql`drop table finance_account_mappings`.execute(db);
}
