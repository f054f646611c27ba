import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The part of a session held in a consumer's wallet (a pending ledger transfer, posted when the session is
  // paid): a PSP charges only the rest. Both are zero/null while no wallet part is held.
  await sql`
    alter table payment_sessions
      add column wallet_held_minor bigint not null default 0,
      add column wallet_transfer_id uuid,
      add constraint payment_sessions_wallet_held_check check (
        wallet_held_minor >= 0 and wallet_held_minor <= amount_minor
        and (wallet_held_minor = 0) = (wallet_transfer_id is null)
      )`.execute(db);
  await sql`alter table payment_sessions drop constraint payment_sessions_psp_check`.execute(db);
  await sql`alter table payment_sessions add constraint payment_sessions_psp_check
    check (psp in ('stripe', 'multisafepay', 'simulate', 'wallet'))`.execute(db);

  // A wallet part that was paid and then refunded goes back as a new transfer of its own kind.
  await sql`alter table ledger_transfers drop constraint ledger_transfers_kind_check`.execute(db);
  await sql`alter table ledger_transfers add constraint ledger_transfers_kind_check
    check (kind in ('credit', 'transfer', 'payment', 'refund'))`.execute(db);

  // Which payment session each wallet hold pays (the wallet's own link: the ledger knows nothing of sessions).
  await sql`
    create table wallet_session_holds (
      transfer_id uuid primary key references ledger_transfers (id),
      session_id uuid not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index wallet_session_holds_session_idx on wallet_session_holds (session_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table wallet_session_holds`.execute(db);
  await sql`alter table ledger_transfers drop constraint ledger_transfers_kind_check`.execute(db);
  await sql`alter table ledger_transfers add constraint ledger_transfers_kind_check
    check (kind in ('credit', 'transfer', 'payment'))`.execute(db);
  await sql`alter table payment_sessions drop constraint payment_sessions_psp_check`.execute(db);
  await sql`alter table payment_sessions add constraint payment_sessions_psp_check
    check (psp in ('stripe', 'multisafepay', 'simulate'))`.execute(db);
  await sql`
    alter table payment_sessions
      drop constraint payment_sessions_wallet_held_check,
      drop column wallet_transfer_id,
      drop column wallet_held_minor`.execute(db);
}
