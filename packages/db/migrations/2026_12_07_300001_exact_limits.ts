import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Exact Online's rate limits as its last answer stated them, per division (Exact counts per app and company):
  // every worker reads them before a call, so a run that starts after another spent the day's quota waits for
  // the reset instead of spending a request to learn it. Resets are Exact's own instants (epoch ms in headers).
  await sql`
    create table exact_rate_limits (
      division int primary key,
      daily_remaining int,
      daily_reset_at timestamptz,
      minutely_remaining int,
      minutely_reset_at timestamptz,
      updated_at timestamptz not null default now()
    )`.execute(db);

  // Exact's error budget: 400, 401, 403 and 404 answers count per app, user, company and endpoint over an
  // hour, and too many block the app key. Each such answer is recorded so no worker sends the request that
  // would exceed it.
  await sql`
    create table exact_api_errors (
      id bigint generated always as identity primary key,
      division int not null,
      endpoint text not null,
      status int not null,
      occurred_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index exact_api_errors_window_idx on exact_api_errors (division, endpoint, occurred_at)`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table exact_api_errors`.execute(db);
  await sql`drop table exact_rate_limits`.execute(db);
}
