import { sql, type Kysely } from 'kysely';

// Frozen in time: migrations never import application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Every refund of a payment sent to a PSP, whole or part, recorded before the PSP is called: what is left to
  // refund is the payment minus these rows, and a retry with the same key finds its row instead of refunding
  // again (MultiSafepay takes no idempotency key). `psp_refund_id` is null until the PSP confirmed it. A part a
  // return gave back as wallet credit is recorded too (`given_back_as`), so a later whole refund leaves it out.
  await sql`
    create table payment_refunds (
      id uuid primary key default gen_random_uuid(),
      payment_id uuid not null references payments (id),
      idempotency_key text not null unique check (length(idempotency_key) between 1 and 200),
      amount_minor integer not null check (amount_minor > 0),
      currency text not null,
      psp_refund_id text,
      given_back_as text not null default 'psp' check (given_back_as in ('psp', 'wallet_credit')),
      created_at timestamptz not null default now(),
      completed_at timestamptz
    )`.execute(db);
  await sql`create index payment_refunds_payment_idx on payment_refunds (payment_id)`.execute(db);
  // What the whole refund of a payment sent back: the payment less its earlier part refunds (returns). Null on
  // rows refunded before this column: those sent back the whole amount.
  await sql`alter table payments add column refunded_minor integer check (refunded_minor >= 0)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table payments drop column refunded_minor`.execute(db);
  await sql`drop table payment_refunds`.execute(db);
}
