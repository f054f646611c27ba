/**
 * Wallet transfers per second (issue #14): `transferBetweenWallets`, the service the consumer endpoint calls,
 * beside a bare SQL transfer on the same database — two balance updates in a fixed order and an entry pair in
 * one transaction, no idempotency, no limit, no ledger rules — the least a double-entry transfer costs.
 *
 * `BENCH_WALLETS` (default 50) wallets, `BENCH_TRANSFERS` (default 3000) transfers per measurement between random
 * pairs by `BENCH_WRITERS` (default 4) concurrent writers; three pairs of runs, medians compared. The issue sets
 * no target: the ratio is reported.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { checkLedger, creditWallet, transferBetweenWallets } from '@ipay/api';
import type { Db } from '@ipay/db';
import { startBenchDatabase, type BenchDatabase } from './support/local-postgres';
import { formatGoals, median, ratioGoal, runBenchmark, runPairs, writeBenchResults } from './support/report';

const WALLETS = Number(process.env.BENCH_WALLETS ?? 50);
const TRANSFERS = Number(process.env.BENCH_TRANSFERS ?? 3000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 4);
const RUNS = 3;
const FUNDING = 1_000_000_000;

const emails = Array.from({ length: WALLETS }, (_, i) => `bench-wallet-${i}@example.test`);

function randomPair(): [number, number] {
  const a = randomInt(WALLETS);
  return [a, (a + 1 + randomInt(WALLETS - 1)) % WALLETS];
}

/** Transfers per second of WRITERS loops sharing TRANSFERS transfers. */
async function measure(transfer: () => Promise<void>): Promise<number> {
  let left = TRANSFERS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      while (left > 0) {
        left -= 1;
        await transfer();
      }
    }),
  );
  return TRANSFERS / ((performance.now() - started) / 1000);
}

function serviceTransfer(db: Db): () => Promise<void> {
  return async () => {
    const [from, to] = randomPair();
    await db.transaction().execute((trx) =>
      transferBetweenWallets(trx, {
        from: emails[from] ?? '',
        input: { to: emails[to] ?? '', amount: 1 + randomInt(500), currency: 'EUR' },
        idempotencyKey: randomUUID(),
        createdBy: 'system:bench',
        dailyLimitMinor: Number.MAX_SAFE_INTEGER,
      }),
    );
  };
}

async function createBareTables(db: Db): Promise<void> {
  await sql`create table bench_balances (id integer primary key, balance bigint not null, version integer not null default 0)`.execute(
    db,
  );
  await sql`create table bench_entries (id bigserial primary key, transfer_id uuid not null, account_id integer not null references bench_balances, amount bigint not null, created_at timestamptz not null default now())`.execute(
    db,
  );
  await sql`insert into bench_balances (id, balance) select i, ${FUNDING} from generate_series(0, ${WALLETS - 1}) i`.execute(
    db,
  );
}

/** Two balance updates in id order (so opposite transfers cannot deadlock) and the entry pair. */
function bareTransfer(db: Db): () => Promise<void> {
  return async () => {
    const [from, to] = randomPair();
    const amount = 1 + randomInt(500);
    const transferId = randomUUID();
    await db.transaction().execute(async (trx) => {
      for (const [id, delta] of [
        [from, -amount],
        [to, amount],
      ].sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0))) {
        await sql`update bench_balances set balance = balance + ${delta}, version = version + 1 where id = ${id}`.execute(
          trx,
        );
      }
      await sql`insert into bench_entries (transfer_id, account_id, amount)
        values (${transferId}, ${from}, ${-amount}), (${transferId}, ${to}, ${amount})`.execute(trx);
    });
  };
}

async function main(): Promise<void> {
  let database: BenchDatabase | undefined;
  try {
    process.stdout.write(
      `wallet transfer benchmark: ${WALLETS} wallets, ${TRANSFERS} transfers per run by ${WRITERS} writers, ${RUNS} runs\n`,
    );
    database = await startBenchDatabase();
    const { db } = database;
    for (const email of emails) {
      await db.transaction().execute((trx) =>
        creditWallet(trx, {
          input: { email, amountMinor: FUNDING, currency: 'EUR', reason: 'bench funding' },
          source: 'promotions',
          idempotencyKey: email,
          createdBy: 'system:bench',
        }),
      );
    }
    await createBareTables(db);
    await measure(serviceTransfer(db));
    await measure(bareTransfer(db));
    const runs = await runPairs(RUNS, async () => {
      const subject = await measure(serviceTransfer(db));
      const ceiling = await measure(bareTransfer(db));
      process.stdout.write(
        `run: service ${Math.round(subject)} transfers/s, bare SQL ${Math.round(ceiling)} transfers/s\n`,
      );
      return { subject, ceiling };
    });
    const check = await checkLedger(db);
    if (!check.balanced)
      throw new Error(`the ledger does not balance after the benchmark: ${JSON.stringify(check)}`);
    const goal = ratioGoal({
      goal: `wallet transfers (service), ${WALLETS} wallets, ${WRITERS} writers`,
      unit: 'transfers/s',
      ceilingName: 'bare SQL transfer',
      subject: runs.subject,
      ceiling: runs.ceiling,
      minPercent: 0,
    });
    const goals = [{ ...goal, target: 'none set (reported)', met: true }];
    process.stdout.write(`${formatGoals(goals)}\n`);
    const file = await writeBenchResults('wallet-transfer', {
      wallets: WALLETS,
      transfersPerRun: TRANSFERS,
      writers: WRITERS,
      serviceTransfersPerSecond: runs.subject.map(Math.round),
      bareTransfersPerSecond: runs.ceiling.map(Math.round),
      medianRatio: median(runs.subject) / median(runs.ceiling),
      ledgerBalanced: check.balanced,
      goals,
    });
    process.stdout.write(`results: ${file}\n`);
  } finally {
    await database?.stop();
  }
}

await runBenchmark(main);
