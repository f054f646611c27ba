import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // One account per (consumer e-mail, currency) or (platform code, currency). The four balances are TigerBeetle's:
  // kept on the row in the transaction that moves them, so a balance is one read and the ledger check compares
  // them with the transfers. A consumer wallet is credit-normal and may never spend what it does not hold.
  await sql`
    create table ledger_accounts (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('consumer_wallet', 'platform')),
      owner_email text check (owner_email = lower(owner_email) and length(owner_email) between 3 and 320),
      platform_code text check (platform_code ~ '^[a-z][a-z_]{1,62}$'),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      debits_pending bigint not null default 0 check (debits_pending >= 0),
      debits_posted bigint not null default 0 check (debits_posted >= 0),
      credits_pending bigint not null default 0 check (credits_pending >= 0),
      credits_posted bigint not null default 0 check (credits_posted >= 0),
      version integer not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (id, currency),
      constraint ledger_accounts_owner_check check (
        (kind = 'consumer_wallet' and owner_email is not null and platform_code is null)
        or (kind = 'platform' and platform_code is not null and owner_email is null)
      ),
      constraint ledger_accounts_wallet_not_negative check (
        kind <> 'consumer_wallet' or debits_posted + debits_pending <= credits_posted
      )
    )`.execute(db);
  await sql`create unique index ledger_accounts_wallet_idx on ledger_accounts (owner_email, currency)
    where kind = 'consumer_wallet'`.execute(db);
  await sql`create unique index ledger_accounts_platform_idx on ledger_accounts (platform_code, currency)
    where kind = 'platform'`.execute(db);

  // A transfer debits one account and credits another of the same currency (the composite keys make a
  // cross-currency transfer unrepresentable). Only its state moves, and only pending → posted | voided.
  await sql`
    create table ledger_transfers (
      id uuid primary key default gen_random_uuid(),
      external_id text not null unique check (length(external_id) between 1 and 400),
      request_hash text not null,
      kind text not null check (kind in ('credit', 'transfer', 'payment')),
      debit_account_id uuid not null,
      credit_account_id uuid not null,
      currency text not null,
      amount_minor bigint not null check (amount_minor > 0),
      state text not null check (state in ('pending', 'posted', 'voided')),
      note text check (length(note) <= 500),
      created_by text not null,
      created_at timestamptz not null default now(),
      resolved_at timestamptz,
      foreign key (debit_account_id, currency) references ledger_accounts (id, currency),
      foreign key (credit_account_id, currency) references ledger_accounts (id, currency),
      check (debit_account_id <> credit_account_id),
      check ((state = 'pending') = (resolved_at is null))
    )`.execute(db);
  await sql`create index ledger_transfers_debit_idx on ledger_transfers (debit_account_id, created_at, id)`.execute(
    db,
  );
  await sql`create index ledger_transfers_credit_idx on ledger_transfers (credit_account_id, created_at, id)`.execute(
    db,
  );

  // Corrections are new transfers: a posted or voided transfer is final, and nothing is ever deleted.
  await sql`
    create function ledger_transfers_immutable() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'ledger transfers are never deleted' using errcode = 'integrity_constraint_violation';
      end if;
      if old.state <> 'pending' or new.state not in ('posted', 'voided')
        or (to_jsonb(new) - 'state' - 'resolved_at') <> (to_jsonb(old) - 'state' - 'resolved_at') then
        raise exception 'a ledger transfer only moves from pending to posted or voided'
          using errcode = 'integrity_constraint_violation';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger ledger_transfers_immutable before update or delete on ledger_transfers
    for each row execute function ledger_transfers_immutable()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table ledger_transfers`.execute(db);
  await sql`drop function ledger_transfers_immutable()`.execute(db);
  await sql`drop table ledger_accounts`.execute(db);
}
