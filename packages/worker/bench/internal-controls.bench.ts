/**
 * The daily controls over `BENCH_ORDERS` (default 1,000,000) orders (issue #16): `runDailyControls`, what the daily
 * job runs (every control's offenders counted, the first ids kept as evidence, the day's results upserted), beside
 * the bare SQL — each control's offender query counted directly, nothing stored. The data is generated with
 * set-based SQL: one merchant, one line per order, a session per order (90% paid, the rest pending), a payment
 * per paid session (one in ten through Stripe, whose payouts are recorded for every day up to three days ago, one
 * of them short) and a sprinkle of broken rows so controls have evidence to keep. `BENCH_RUNS` (default 3) pairs
 * of runs, medians compared. Goal: the controls finish within 120 s at 1,000,000 orders.
 */
import { sql } from 'kysely';
import { CONTROLS, runDailyControls } from '@ipay/api';
import type { Db } from '@ipay/db';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import {
  formatGoals,
  median,
  runBenchmark,
  runPairs,
  writeBenchResults,
  type GoalResult,
} from './support/report';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const TARGET_SECONDS = Number(process.env.BENCH_CONTROLS_TARGET_S ?? 120);
/** Pairs of runs; `BENCH_RUNS=1` run three times measures the pairs as separate runs when one run is too long. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
/** One payment in ten through Stripe (with payouts recorded), the rest simulated: the cash controls have work. */
const PSP_OF_G = sql<string>`case when g % 10 = 0 then 'stripe' else 'simulate' end`;

/** Runs one generation step and prints how long it took (generation is most of the benchmark's time). */
async function step(name: string, work: () => Promise<unknown>): Promise<void> {
  const took = await seconds(work);
  process.stdout.write(`  ${name}: ${took.toFixed(1)} s\n`);
}

/**
 * The bench data, on one connection with `session_replication_role = replica`: the rows are made consistent by
 * construction, so the foreign-key triggers (a lookup per row, a third of the load) are skipped for the load.
 */
async function generate(db: Db): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`set session_replication_role = replica`.execute(conn);
    await load(conn);
    await sql`reset session_replication_role`.execute(conn);
  });
  await step('analyze', () => sql`analyze`.execute(db));
}

async function load(db: Db): Promise<void> {
  const merchant = await sql<{ id: string }>`
    insert into organizations (name, type) values ('Bench Shop', 'merchant') returning id::text`.execute(db);
  const merchantId = merchant.rows[0]?.id ?? '';
  await step('orders', () =>
    sql`
    insert into orders (id, merchant_id, merchant_reference, status, customer_name, customer_email, address_line1,
                        postal_code, city, country, currency, items_total_minor, shipping_minor, total_minor,
                        carrier_code, ipay_flag, create_fingerprint, created_at)
    select md5('order' || g)::uuid, ${merchantId}::uuid, 'B-' || g,
           case when g % 20 < 18 then 'PAID' else 'PAYMENT_PENDING' end,
           'Bench Buyer', 'buyer' || g || '@example.test', 'Street 1', '1011AA', 'Amsterdam', 'NL', 'EUR',
           1000 + g % 5000, 495, 1495 + g % 5000, 'POSTNL', true, md5('fp' || g),
           now() - make_interval(mins => g % 43200)
    from generate_series(1, ${ORDERS}) g`.execute(db),
  );
  await step('order lines', () =>
    sql`
    insert into order_items (order_id, position, sku, name, quantity, unit_price_minor, line_total_minor)
    select md5('order' || g)::uuid, 1, 'SKU-' || g % 100, 'Item', 1, 1000 + g % 5000, 1000 + g % 5000
    from generate_series(1, ${ORDERS}) g`.execute(db),
  );
  await step('sessions', () =>
    sql`
    insert into payment_sessions (id, order_id, merchant_id, reference, pay_token, status, amount_minor, currency,
                                  country, carrier_code, psp, expires_at, paid_at, created_at)
    select md5('session' || g)::uuid, md5('order' || g)::uuid, ${merchantId}::uuid, lpad(g::text, 18, '0'),
           'bench-' || g, case when g % 20 < 18 then 'PAID' else 'PENDING_PAYMENT' end, 1495 + g % 5000, 'EUR',
           'NL', 'POSTNL', ${PSP_OF_G}, now() + interval '1 day',
           case when g % 20 < 18 then now() - make_interval(mins => g % 43200) end,
           now() - make_interval(mins => g % 43200)
    from generate_series(1, ${ORDERS}) g`.execute(db),
  );
  await step('payments', () =>
    sql`
    insert into payments (session_id, psp, psp_payment_id, status, amount_minor, currency, created_at)
    select md5('session' || g)::uuid, ${PSP_OF_G}, 'pay-' || g, 'succeeded', 1495 + g % 5000, 'EUR',
           now() - make_interval(mins => g % 43200)
    from generate_series(1, ${ORDERS}) g
    where g % 20 < 18 and g % 10007 <> 0`.execute(db),
  );
  // Stripe's payouts as operators record them: every collection day up to three days ago, one of them 1.00 short.
  await step('payouts', () =>
    sql`
    insert into psp_payouts (psp, payout_id, settles_day, arrival_day, currency, gross_minor, fee_minor, net_minor,
                             recorded_by, created_at)
    select 'stripe', 'po_' || day, day, day + 2, 'EUR', gross - short, 0, gross - short, gen_random_uuid(), day + 2
    from (
      select day, gross, case when day = min(day) over () then 100 else 0 end as short
      from (select (created_at at time zone 'Europe/Amsterdam')::date as day, sum(amount_minor) as gross
            from payments where psp = 'stripe' group by 1) days
    ) d
    where day < (now() at time zone 'Europe/Amsterdam')::date - 2`.execute(db),
  );
}

async function bareRun(db: Db, now: Date): Promise<void> {
  for (const control of CONTROLS) {
    await sql`select count(*) from (${control.offenders({ now }, db)}) offenders`.execute(db);
  }
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  let database: BenchDatabase | undefined;
  try {
    process.stdout.write(
      `internal controls benchmark: ${CONTROLS.length} controls over ${ORDERS} orders, ${RUNS} runs\n`,
    );
    database = await startBenchDatabase();
    const { db } = database;
    const generated = await seconds(() => generate(db));
    process.stdout.write(`generated ${ORDERS} orders, sessions and payments in ${generated.toFixed(1)} s\n`);
    const now = new Date();
    await bareRun(db, now);
    const runs = await runPairs(RUNS, async () => {
      const subject = await seconds(() => runDailyControls(db, { now }));
      const ceiling = await seconds(() => bareRun(db, now));
      process.stdout.write(`run: controls ${subject.toFixed(2)} s, bare SQL ${ceiling.toFixed(2)} s\n`);
      return { subject, ceiling };
    });
    const subject = median(runs.subject);
    const ceiling = median(runs.ceiling);
    const goal: GoalResult = {
      goal: `daily controls (${CONTROLS.length}) over ${ORDERS.toLocaleString('en-US')} orders`,
      measured: `${subject.toFixed(2)} s`,
      beside: `bare SQL counts ${ceiling.toFixed(2)} s`,
      result: `${subject.toFixed(2)} s (${((100 * subject) / ceiling).toFixed(0)}% of bare)`,
      target: `<= ${TARGET_SECONDS} s`,
      met: subject <= TARGET_SECONDS,
    };
    process.stdout.write(`${formatGoals([goal])}\n`);
    const file = await writeBenchResults('internal-controls', {
      orders: ORDERS,
      controls: CONTROLS.length,
      generateSeconds: Number(generated.toFixed(1)),
      controlsSeconds: runs.subject.map((s) => Number(s.toFixed(2))),
      bareSeconds: runs.ceiling.map((s) => Number(s.toFixed(2))),
      goals: [goal],
    });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await database?.stop();
  }
}

await runBenchmark(main);
