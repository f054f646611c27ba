import { sql, type Kysely } from 'kysely';

const STARTING_REGISTER: Array<[string, string, string, string, string, string[], number]> = [
  // code, area, title, owner, evidence, covering controls, months to the first review
  [
    'GDPR-ART32',
    'GDPR',
    'Security of processing: personal data of consumers is protected and access to it is limited',
    'platform_admin',
    'RBAC permission catalogue; daily security controls; access review of platform admins',
    ['sec.platform-admins-added-today', 'sec.cfo-added-today', 'sec.otp-locks-today'],
    6,
  ],
  [
    'GDPR-ART5-1E',
    'GDPR',
    'Storage limitation: data-integrity snapshots and control evidence are kept 30 days, then pruned',
    'platform_admin',
    'Data-integrity snapshot retention (30 days) and the prune in the daily job',
    [],
    12,
  ],
  [
    'PSD2-SAFEGUARDING',
    'PSD2',
    'Collected consumer funds are accounted for per session and never mixed up: one payment per paid session, amounts equal',
    'finance',
    'Daily settlement-match controls and their approvals',
    [
      'di.paid-session-without-payment',
      'di.paid-session-several-payments',
      'sm.payments-differ-from-session',
      'sm.refunded-without-psp-refund',
    ],
    3,
  ],
  [
    'PCI-SCOPE',
    'PCI DSS',
    'Card data never touches IPAY: payments go through the PSPs’ hosted pages (SAQ A scope)',
    'platform_admin',
    'PSP Checkout configuration; no card fields in the schema',
    ['psp.failed-payments-today'],
    12,
  ],
  [
    'PSP-TERMS-REFUNDS',
    'PSP terms',
    'Payments that must be refunded are refunded within one day, as the PSPs’ terms require',
    'finance',
    'Refund-owed control and the refund records of the PSPs',
    ['psp.refunds-owed-over-a-day', 'sm.refunded-without-psp-refund'],
    6,
  ],
  [
    'CARRIER-TERMS-INVOICES',
    'Carrier terms',
    'Carrier invoices are checked against the tariffs; deltas above the threshold are disputed within the term',
    'finance',
    'Carrier reconciliation and its decisions',
    ['rc.carrier-invoice-deltas', 'rc.carrier-lines-unmatched'],
    6,
  ],
  [
    'LEDGER-DOUBLE-ENTRY',
    'Accounting',
    'The wallet ledger is double-entry: it sums to zero and balances equal their transfers',
    'finance',
    'Ledger controls, daily',
    ['rc.ledger-not-zero', 'rc.ledger-balances-differ', 'rc.ledger-pending-stale'],
    6,
  ],
];

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One result per control and day: the daily run upserts it, so a re-run on the same day replaces it.
  await sql`create table internal_control_results (
    control_id text not null,
    run_date date not null,
    status text not null check (status in ('GREEN', 'AMBER', 'RED')),
    metric numeric not null,
    evidence jsonb not null default '[]',
    evidence_count integer not null,
    ran_at timestamptz not null default now(),
    primary key (control_id, run_date)
  )`.execute(db);
  await sql`create index internal_control_results_date_idx on internal_control_results (run_date)`.execute(
    db,
  );

  // Approvals are append-only and hash-chained: each row's hash covers its content and the previous row's hash.
  await sql`create table internal_control_approvals (
    position bigint generated always as identity primary key,
    control_id text not null,
    run_date date not null,
    status text not null,
    metric numeric not null,
    initials text not null,
    note text not null,
    approved_by uuid not null references users (id),
    approved_at timestamptz not null,
    previous_hash text not null,
    hash text not null unique
  )`.execute(db);
  await sql`create unique index internal_control_approvals_once_idx
    on internal_control_approvals (control_id, run_date)`.execute(db);
  await sql`create function internal_control_approvals_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'internal_control_approvals is append-only';
    end $$`.execute(db);
  await sql`create trigger internal_control_approvals_append_only
    before update or delete on internal_control_approvals
    for each statement execute function internal_control_approvals_append_only()`.execute(db);

  await sql`create table data_integrity_snapshots (
    snapshot_date date not null,
    table_name text not null,
    row_count bigint not null,
    amount_sum bigint,
    content_hash text not null,
    taken_at timestamptz not null default now(),
    primary key (snapshot_date, table_name)
  )`.execute(db);

  await sql`create table compliance_requirements (
    id uuid primary key default gen_random_uuid(),
    code text not null unique,
    area text not null,
    title text not null,
    owner text not null,
    evidence text not null,
    control_ids text[] not null default '{}',
    next_review_on date not null,
    retired_at timestamptz,
    retired_reason text,
    updated_by uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`.execute(db);
  for (const [code, area, title, owner, evidence, controls, months] of STARTING_REGISTER) {
    await sql`insert into compliance_requirements (code, area, title, owner, evidence, control_ids, next_review_on)
      values (${code}, ${area}, ${title}, ${owner}, ${evidence}, ${controls}::text[],
              (current_date + make_interval(months => ${months}))::date)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table compliance_requirements`.execute(db);
  await sql`drop table data_integrity_snapshots`.execute(db);
  await sql`drop table internal_control_approvals`.execute(db);
  await sql`drop function internal_control_approvals_append_only()`.execute(db);
  await sql`drop table internal_control_results`.execute(db);
}
