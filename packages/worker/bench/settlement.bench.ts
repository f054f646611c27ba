/**
 * The settlement query (issue #16): `getSettlement`, the service behind GET /api/merchant-portal/ipay/settlement,
 * over a year of one merchant's orders, beside the bare SQL a settlement cannot do without — the merchant's paid
 * sessions grouped by Amsterdam day, with no fee history, no payments, no refunds — on the same database.
 *
 * 2025 (365 days) × `BENCH_ORDERS_PER_DAY` (default 300) paid orders of the measured merchant, spread over the day,
 * each with its payment; 2% refunded (half of those as returns) a day after payment; two fee changes (a contract
 * in March, a discount in September); `BENCH_OTHER_MERCHANTS` (default 1) other merchants with as many orders, so
 * the query must find its merchant's rows among others. `BENCH_CALLS` (default 20) calls per measurement, three
 * pairs of runs; the goal is on the median of the runs' p99.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { getSettlement } from '@ipay/api';
import type { Database, Db } from '@ipay/db';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import {
  formatGoals,
  median,
  runBenchmark,
  runPairs,
  writeBenchResults,
  type GoalResult,
} from './support/report';

const ORDERS_PER_DAY = Number(process.env.BENCH_ORDERS_PER_DAY ?? 300);
const OTHER_MERCHANTS = Number(process.env.BENCH_OTHER_MERCHANTS ?? 1);
const CALLS = Number(process.env.BENCH_CALLS ?? 20);
const RUNS = 3;
/** The latency the settlement of a year must stay under: chosen after measuring (see docs/operations.md). */
const TARGET_P99_MS = 1500;
const YEAR = { from: '2025-01-01', to: '2025-12-31' };
/** Orders in a hundred returned through the returns domain (a return refund each). */
const RETURNS_PER_HUNDRED = Number(process.env.BENCH_RETURNS_PER_HUNDRED ?? 3);

/** One merchant's year of paid orders, sessions and payments, generated in the database. */
async function loadYear(db: Db, merchantId: string, seed: number): Promise<void> {
  const orders = 365 * ORDERS_PER_DAY;
  await sql`
    insert into orders (id, merchant_id, merchant_reference, status, customer_name, customer_email, address_line1,
      postal_code, city, country, currency, items_total_minor, shipping_minor, total_minor, carrier_code, ipay_flag,
      create_fingerprint, created_at)
    select md5(${seed}::text || '-' || i)::uuid, ${merchantId}, 'BENCH-' || ${seed} || '-' || i, 'PAID', 'Bench Buyer',
      'buyer@example.test', 'Street 1', '1000 AA', 'Amsterdam', 'NL', 'EUR', 1000 + (i % 9000), 0,
      1000 + (i % 9000), 'POSTNL', true, md5(${seed}::text || 'f' || i),
      timestamptz '2025-01-01 00:00+01' + (i * (interval '365 days' / ${orders}))
    from generate_series(0, ${orders - 1}) i`.execute(db);
  await sql`
    insert into payment_sessions (id, order_id, merchant_id, reference, pay_token, status, amount_minor, currency,
      country, carrier_code, psp, expires_at, paid_at, created_at)
    select md5('s' || o.id::text)::uuid, o.id, o.merchant_id,
      lpad((${seed}::bigint * 10000000 + row_number() over ())::text, 18, '0'), md5('t' || o.id::text), 'PAID',
      o.total_minor, 'EUR', 'NL', 'POSTNL', 'simulate', o.created_at + interval '7 days',
      o.created_at, o.created_at
    from orders o where o.merchant_id = ${merchantId}`.execute(db);
  await sql`
    insert into payments (session_id, psp, psp_payment_id, status, amount_minor, currency, created_at, refunded_at,
      needs_refund, refund_reason)
    select s.id, 'simulate', 'sim_' || s.id, 'succeeded', s.amount_minor, 'EUR', s.paid_at,
      case when s.reference::bigint % 50 = 0 then s.paid_at + interval '1 day' end,
      s.reference::bigint % 100 = 0,
      case when s.reference::bigint % 100 = 0 then 'parcel returned to sender' end
    from payment_sessions s where s.merchant_id = ${merchantId}`.execute(db);
  await loadReturns(db, merchantId);
}

/**
 * Returns through the returns domain: `RETURNS_PER_HUNDRED` in 100 orders (none of them refunded whole) sent back
 * and refunded in part a week after payment, half to the card, half as wallet credit with a 1.00 bonus.
 */
async function loadReturns(db: Db, merchantId: string): Promise<void> {
  await sql`
    insert into return_cases (id, organization_id, order_id, session_id, merchant_reference, status, token_hash,
      token_sealed, refund_method, refund_email, currency, expires_at, opened_at, received_at, refunded_at, updated_at)
    select md5('r' || s.id::text)::uuid, s.merchant_id, s.order_id, s.id, 'BENCH-RETURN-' || s.reference, 'REFUNDED',
      md5('rt' || s.id::text), 'sealed',
      case when s.reference::bigint % 2 = 0 then 'ORIGINAL_PAYMENT' else 'WALLET_CREDIT' end, 'buyer@example.test',
      'EUR', s.paid_at + interval '30 days', s.paid_at + interval '3 days', s.paid_at + interval '6 days',
      s.paid_at + interval '7 days', s.paid_at + interval '7 days'
    from payment_sessions s
    where s.merchant_id = ${merchantId} and s.reference::bigint % 50 <> 0
      and s.reference::bigint % 100 between 1 and ${RETURNS_PER_HUNDRED}`.execute(db);
  await sql`
    insert into return_refunds (return_id, method, status, amount_minor, bonus_minor, currency, payment_id, psp,
      created_at, completed_at)
    select r.id, r.refund_method, 'DONE', s.amount_minor / 2,
      case when r.refund_method = 'WALLET_CREDIT' then 100 else 0 end, 'EUR', p.id,
      case when r.refund_method = 'ORIGINAL_PAYMENT' then 'simulate' end, r.refunded_at, r.refunded_at
    from return_cases r
    join payment_sessions s on s.id = r.session_id
    join payments p on p.session_id = s.id
    where r.organization_id = ${merchantId}`.execute(db);
}

async function createMerchant(db: Db, name: string): Promise<string> {
  const row = await db
    .insertInto('organizations')
    .values({ name, type: 'merchant' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The 99th percentile of one run's call times, in ms (with few calls, near the slowest). */
function p99(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? Number.NaN;
}

async function timeCalls(call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return p99(times);
}

/** The least a daily settlement costs: the merchant's paid sessions of the year, counted and summed per day. */
function bareQuery(db: Db, merchantId: string): () => Promise<unknown> {
  return () =>
    sql`
      select (paid_at at time zone 'Europe/Amsterdam')::date as day, count(*) as orders, sum(amount_minor) as gross
      from payment_sessions
      where merchant_id = ${merchantId}
        and paid_at >= timestamptz '2025-01-01 00:00+01' and paid_at < timestamptz '2026-01-01 00:00+01'
      group by 1 order by 1`.execute(db);
}

/**
 * With `BENCH_EXPLAIN=1`: the plan, as run (`explain (analyze, buffers)`), of every statement a settlement sends
 * that reads return refunds, through a second Kysely on the same pool that records the statements.
 */
async function explainSettlement(
  database: BenchDatabase,
  settle: (db: Db) => Promise<unknown>,
): Promise<void> {
  const statements: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const recording = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: database.pool }),
    log: (event) => {
      if (event.level === 'query') statements.push(event.query);
    },
  });
  await settle(recording);
  for (const statement of statements.filter((s) => s.sql.includes('return_refunds'))) {
    const { rows } = await database.pool.query<{ 'QUERY PLAN': string }>(
      `explain (analyze, buffers) ${statement.sql}`,
      [...statement.parameters],
    );
    process.stdout.write(`${rows.map((row) => row['QUERY PLAN']).join('\n')}\n`);
  }
}

async function main(): Promise<void> {
  let database: BenchDatabase | undefined;
  try {
    process.stdout.write(
      `settlement benchmark: 365 days × ${ORDERS_PER_DAY} paid orders for the merchant, ${OTHER_MERCHANTS} other merchants alike, ${CALLS} calls per run, ${RUNS} runs\n`,
    );
    database = await startBenchDatabase();
    const { db } = database;
    const merchantId = await createMerchant(db, 'Bench merchant');
    await loadYear(db, merchantId, 1);
    for (let other = 0; other < OTHER_MERCHANTS; other += 1) {
      await loadYear(db, await createMerchant(db, `Other merchant ${other}`), 2 + other);
    }
    await db
      .insertInto('merchant_fee_changes')
      .values([
        {
          organization_id: merchantId,
          fee_per_order_minor: 45,
          effective_from: '2025-03-01T00:00:00+01:00',
          reason: 'contract',
        },
        {
          organization_id: merchantId,
          fee_per_order_minor: 40,
          effective_from: '2025-09-15T12:00:00+02:00',
          reason: 'discount',
        },
      ])
      .execute();
    await sql`analyze`.execute(db);

    const settleOn = (on: Db) =>
      getSettlement(on, {
        actor: {
          userId: merchantId,
          email: 'bench@example.test',
          organizationId: merchantId,
          organizationType: 'merchant',
          permissions: [],
        },
        scope: 'organization',
        input: YEAR,
        platformDefaultFeeMinor: 50,
      });
    const settlement = () => settleOn(db);
    if (process.env.BENCH_EXPLAIN === '1') await explainSettlement(database, settleOn);
    const checked = await settlement();
    const daySum = checked.days.reduce((sum, day) => sum + day.net_minor, 0);
    if (
      checked.order_count !== 365 * ORDERS_PER_DAY ||
      daySum !== checked.net_minor ||
      !checked.fee_changed_in_period
    ) {
      throw new Error(
        `unexpected settlement: ${checked.order_count} orders, days ${daySum} vs net ${checked.net_minor}`,
      );
    }
    await timeCalls(bareQuery(db, merchantId));

    const runs = await runPairs(RUNS, async () => {
      const subject = await timeCalls(settlement);
      const ceiling = await timeCalls(bareQuery(db, merchantId));
      process.stdout.write(
        `run: settlement p99 ${subject.toFixed(0)} ms, bare SQL p99 ${ceiling.toFixed(0)} ms\n`,
      );
      return { subject, ceiling };
    });
    const subject = median(runs.subject);
    const ceiling = median(runs.ceiling);
    const goals: GoalResult[] = [
      {
        goal: `settlement of a year, ${(365 * ORDERS_PER_DAY).toLocaleString('en-US')} orders of one merchant`,
        measured: `p99 ${subject.toFixed(0)} ms`,
        beside: `bare SQL p99 ${ceiling.toFixed(0)} ms`,
        result: `${subject.toFixed(0)} ms (${(subject / ceiling).toFixed(1)}× bare)`,
        target: `<= ${TARGET_P99_MS} ms`,
        met: subject <= TARGET_P99_MS,
      },
    ];
    process.stdout.write(`${formatGoals(goals)}\n`);
    const file = await writeBenchResults('settlement', {
      ordersPerDay: ORDERS_PER_DAY,
      merchantOrders: 365 * ORDERS_PER_DAY,
      otherMerchants: OTHER_MERCHANTS,
      callsPerRun: CALLS,
      settlementP99Ms: runs.subject.map((ms) => Math.round(ms)),
      bareSqlP99Ms: runs.ceiling.map((ms) => Math.round(ms)),
      days: checked.days.length,
      goals,
    });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await database?.stop();
  }
}

await runBenchmark(main);
