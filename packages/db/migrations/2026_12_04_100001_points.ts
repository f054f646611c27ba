import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Append-only: a rule is changed by adding a row, so the latest row per merchant (null: the platform) is the
  // rule in force and the rows before it are its history, with who changed it and why. Only the platform's
  // rule carries the redemption rate.
  await sql`
    create table points_rules (
      id uuid primary key default gen_random_uuid(),
      merchant_id uuid references organizations (id),
      points_per_unit integer not null check (points_per_unit between 0 and 10000),
      bonus_per_order integer not null check (bonus_per_order between 0 and 1000000),
      validity_days integer not null check (validity_days between 1 and 3650),
      redeem_currency text check (redeem_currency ~ '^[A-Z]{3}$'),
      redeem_minor_per_point integer check (redeem_minor_per_point between 1 and 10000),
      reason text not null check (length(reason) between 1 and 500),
      changed_by text not null,
      created_at timestamptz not null default now(),
      check ((merchant_id is null) = (redeem_currency is not null and redeem_minor_per_point is not null))
    )`.execute(db);
  await sql`create index points_rules_current_idx on points_rules (merchant_id, created_at desc, id desc)`.execute(
    db,
  );
  await sql`
    insert into points_rules (points_per_unit, bonus_per_order, validity_days, redeem_currency,
                              redeem_minor_per_point, reason, changed_by)
    values (1, 0, 365, 'EUR', 1, 'default at installation', 'system:migration')`.execute(db);

  // A lot is what one paid session earned: spent oldest-expiry first, expired by the daily job, reversed when
  // the sale is refunded. One per session, which makes earning idempotent.
  await sql`
    create table points_lots (
      id uuid primary key default gen_random_uuid(),
      owner_email text not null check (owner_email = lower(owner_email) and length(owner_email) between 3 and 320),
      session_id uuid not null unique references payment_sessions (id),
      order_id uuid not null references orders (id),
      merchant_id uuid not null references organizations (id),
      points integer not null check (points > 0),
      remaining integer not null,
      spent integer not null default 0,
      state text not null default 'active' check (state in ('active', 'expired', 'reversed')),
      earned_at timestamptz not null default now(),
      expires_at timestamptz not null,
      closed_at timestamptz,
      check (remaining >= 0 and spent >= 0 and remaining + spent <= points),
      check ((state = 'active') = (closed_at is null)),
      check (state = 'active' or remaining = 0)
    )`.execute(db);
  await sql`create index points_lots_spendable_idx on points_lots (owner_email, expires_at, id)
    where state = 'active' and remaining > 0`.execute(db);
  await sql`create index points_lots_due_idx on points_lots (expires_at)
    where state = 'active' and remaining > 0`.execute(db);

  await sql`
    create table points_redemptions (
      id uuid primary key default gen_random_uuid(),
      owner_email text not null,
      idempotency_key text not null check (length(idempotency_key) between 1 and 255),
      request_hash text not null,
      points integer not null check (points > 0),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      amount_minor bigint not null check (amount_minor > 0),
      wallet_transfer_id uuid references ledger_transfers (id),
      created_by text not null,
      created_at timestamptz not null default now(),
      unique (owner_email, idempotency_key)
    )`.execute(db);

  // The consumer's history: one row per lot earned, expired or reversed, one per redemption spent.
  await sql`
    create table points_entries (
      id uuid primary key default gen_random_uuid(),
      owner_email text not null,
      kind text not null check (kind in ('earned', 'spent', 'expired', 'reversed')),
      points integer not null check (points >= 0),
      shortfall integer not null default 0 check (shortfall >= 0),
      lot_id uuid references points_lots (id),
      redemption_id uuid references points_redemptions (id),
      note text check (length(note) <= 500),
      created_at timestamptz not null default now(),
      check ((kind = 'spent') = (redemption_id is not null and lot_id is null))
    )`.execute(db);
  await sql`create index points_entries_owner_idx on points_entries (owner_email, created_at, id)`.execute(
    db,
  );
  await sql`create unique index points_entries_lot_once_idx on points_entries (lot_id, kind)
    where lot_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table points_entries`.execute(db);
  await sql`drop table points_redemptions`.execute(db);
  await sql`drop table points_lots`.execute(db);
  await sql`drop table points_rules`.execute(db);
}
