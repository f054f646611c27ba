import { randomInt, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseHandle, type Db } from '@ipay/db';
import { createTestDatabase, type TestDatabase } from '@ipay/db/testing';
import { AppError } from '../../errors/app-error';
import { uniqueEmail } from '../../testing';
import { checkLedger } from './service/ledger-check';
import { creditWallet, transferBetweenWallets } from './service/movements';

const WALLETS = 50;
const PAIRS = 500; // each pair is sent both ways: 1,000 transfers
const FUNDING = 5_000;
const CURRENCIES = ['EUR', 'GBP'];

interface Planned {
  from: string;
  to: string;
  amount: number;
  currency: string;
  key: string;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

function send(db: Db, t: Planned) {
  return db.transaction().execute((trx) =>
    transferBetweenWallets(trx, {
      from: t.from,
      input: { to: t.to, amount: t.amount, currency: t.currency },
      idempotencyKey: t.key,
      createdBy: `consumer:${t.from}`,
      dailyLimitMinor: Number.MAX_SAFE_INTEGER,
    }),
  );
}

describe('the wallet ledger under concurrent transfers', () => {
  let database: TestDatabase;
  // More connections than the test default, so transfers really overlap in PostgreSQL.
  let wide: DatabaseHandle;
  const wallets = Array.from({ length: WALLETS }, () => uniqueEmail('wallet'));

  beforeAll(async () => {
    database = await createTestDatabase();
    wide = createDatabase({ connectionString: database.connectionString, max: 20 });
    for (const currency of CURRENCIES) {
      for (const email of wallets) {
        await database.db.transaction().execute((trx) =>
          creditWallet(trx, {
            input: { email, amountMinor: FUNDING, currency, reason: 'funding' },
            source: 'promotions',
            idempotencyKey: randomUUID(),
            createdBy: 'system:test',
          }),
        );
      }
    }
  });
  afterAll(async () => {
    await wide.close();
    await database.drop();
  });

  it('leaves every ledger summing to zero and no wallet negative after 1,000 transfers in both directions', async () => {
    const planned: Planned[] = [];
    for (let p = 0; p < PAIRS; p += 1) {
      const a = randomInt(WALLETS);
      const b = (a + 1 + randomInt(WALLETS - 1)) % WALLETS;
      const currency = CURRENCIES[p % CURRENCIES.length] as string;
      // Large enough that some transfers meet an emptied wallet and are refused.
      const amount = 1 + randomInt(2_000);
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        planned.push({
          from: wallets[from] as string,
          to: wallets[to] as string,
          amount,
          currency,
          key: randomUUID(),
        });
      }
    }
    // A hundred of them retried at the same moment with the same key and body.
    const retries = planned.slice(0, 100);
    const outcomes = await Promise.allSettled(shuffle([...planned, ...retries]).map((t) => send(wide.db, t)));

    const refusals = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    const unexpected = refusals.filter((e) => !(e instanceof AppError) || e.code !== 'insufficient_funds');
    expect(unexpected.map(String)).toEqual([]);
    const moved = new Set(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : [])));
    expect(moved.size).toBeGreaterThan(PAIRS);

    const check = await checkLedger(database.db);
    expect(check).toMatchObject({ balanced: true, accountsNotMatchingTransfers: [] });
    expect(check.currencies.map((c) => c.currency)).toEqual(CURRENCIES);

    const wallets_ = await database.db
      .selectFrom('ledger_accounts')
      .select([
        'currency',
        sql<number>`min(credits_posted - debits_posted - debits_pending)::bigint`.as('lowest'),
        sql<number>`sum(credits_posted - debits_posted)::bigint`.as('total'),
      ])
      .where('kind', '=', 'consumer_wallet')
      .groupBy('currency')
      .orderBy('currency')
      .execute();
    for (const row of wallets_) {
      expect(row.lowest).toBeGreaterThanOrEqual(0);
      expect(row.total).toBe(WALLETS * FUNDING);
    }

    // Each planned transfer moved money at most once, retried or not.
    const rows = await database.db
      .selectFrom('ledger_transfers')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('kind', '=', 'transfer')
      .executeTakeFirstOrThrow();
    expect(rows.n).toBe(moved.size);
    expect(rows.n).toBeLessThanOrEqual(planned.length);
  });
});
