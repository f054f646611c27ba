import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@ipay/db';
import { AppError } from '../../errors/app-error';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import { getWalletBalance } from './service/balance';
import { checkLedger } from './service/ledger-check';
import {
  creditWallet,
  holdFromWallet,
  postWalletHold,
  transferBetweenWallets,
  voidWalletHold,
} from './service/movements';

async function failureOf(call: Promise<unknown>): Promise<AppError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

function fund(db: Db, email: string, amountMinor: number, currency = 'EUR') {
  return db.transaction().execute((trx) =>
    creditWallet(trx, {
      input: { email, amountMinor, currency, reason: 'test funding' },
      source: 'promotions',
      idempotencyKey: randomUUID(),
      createdBy: 'system:test',
    }),
  );
}

function send(
  db: Db,
  from: string,
  to: string,
  amount: number,
  key = randomUUID(),
  dailyLimitMinor?: number,
) {
  return db.transaction().execute((trx) =>
    transferBetweenWallets(trx, {
      from,
      input: { to, amount, currency: 'EUR', note: 'lunch' },
      idempotencyKey: key,
      createdBy: `consumer:${from}`,
      dailyLimitMinor,
    }),
  );
}

async function available(db: Db, email: string, currency = 'EUR'): Promise<number> {
  const out = await getWalletBalance(db, { email, page: { limit: 50 } });
  return out.balances.find((b) => b.currency === currency)?.availableMinor ?? 0;
}

describe('wallet ledger', () => {
  let platform: TestPlatform;
  let db: Db;
  let adminToken: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    db = platform.database.db;
    adminToken = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => platform.close());

  describe('goodwill credits by an operator', () => {
    it('credits a wallet that does not exist yet, once per Idempotency-Key', async () => {
      const email = uniqueEmail('Consumer').toUpperCase();
      const body = { email, amountMinor: 2500, currency: 'EUR', reason: 'parcel arrived late' };
      const headers = { 'idempotency-key': randomUUID() };
      const first = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: adminToken,
        body,
        headers,
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        kind: 'credit',
        state: 'posted',
        amountMinor: 2500,
        from: 'platform:promotions',
        to: email.toLowerCase(),
        note: 'parcel arrived late',
      });
      const retry = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: adminToken,
        body,
        headers,
      });
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
      expect(await available(db, email)).toBe(2500);

      const other = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: adminToken,
        body: { ...body, amountMinor: 9999 },
        headers,
      });
      expect(other.status).toBe(409);
      expect(other.body.errors[0].field).toBe('Idempotency-Key');
      expect(await available(db, email)).toBe(2500);
    });

    it('refuses a credit without an Idempotency-Key, without a reason, or from a merchant', async () => {
      const body = { email: uniqueEmail(), amountMinor: 100, currency: 'EUR', reason: 'sorry' };
      const noKey = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: adminToken,
        body,
      });
      expect(noKey.status).toBe(400);
      expect(noKey.body.errors[0].field).toBe('Idempotency-Key');
      const blank = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: adminToken,
        body: { ...body, reason: ' ' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(blank.status).toBe(400);
      expect(blank.body.errors[0].field).toBe('reason');
      const merchant = await createTestMerchant(platform);
      const forbidden = await http(platform.baseUrl, 'POST', '/api/admin/wallet/credits', {
        token: merchant.token,
        body,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(forbidden.status).toBe(403);
      expect((await http(platform.baseUrl, 'GET', '/api/admin/wallet/ledger-check')).status).toBe(401);
    });
  });

  describe('transfers between consumers', () => {
    it('moves money to an address that has never signed in, and shows it on both statements', async () => {
      const alice = uniqueEmail('alice');
      const bob = uniqueEmail('bob');
      await fund(db, alice, 1000);
      const transfer = await send(db, alice, bob, 400);
      expect(transfer).toMatchObject({
        kind: 'transfer',
        state: 'posted',
        from: alice,
        to: bob,
        note: 'lunch',
      });
      expect(await available(db, alice)).toBe(600);
      expect(await available(db, bob)).toBe(400);
      const bobs = await getWalletBalance(db, { email: bob, page: { limit: 10 } });
      expect(bobs.transfers.items).toMatchObject([{ id: transfer.id, direction: 'in' }]);
      const alices = await getWalletBalance(db, { email: alice, page: { limit: 10 } });
      expect(alices.transfers.items.map((t) => t.direction)).toEqual(['out', 'in']);
    });

    it('answers insufficient funds with a 422 naming the amount, and moves nothing', async () => {
      const alice = uniqueEmail('alice');
      const bob = uniqueEmail('bob');
      await fund(db, alice, 300);
      const error = await failureOf(send(db, alice, bob, 301));
      expect({ status: error.status, code: error.code, field: error.errors?.[0]?.field }).toEqual({
        status: 422,
        code: 'insufficient_funds',
        field: 'amount',
      });
      expect(await available(db, alice)).toBe(300);
      expect(await available(db, bob)).toBe(0);
      await send(db, alice, bob, 300);
      expect(await available(db, alice)).toBe(0);
    });

    it('moves money once for a retried Idempotency-Key, and refuses the key for another transfer', async () => {
      const alice = uniqueEmail('alice');
      const bob = uniqueEmail('bob');
      await fund(db, alice, 1000);
      const key = randomUUID();
      const attempts = await Promise.all(Array.from({ length: 8 }, () => send(db, alice, bob, 250, key)));
      expect(new Set(attempts.map((t) => t.id)).size).toBe(1);
      expect(await available(db, alice)).toBe(750);
      expect(await available(db, bob)).toBe(250);
      const reused = await failureOf(send(db, alice, bob, 251, key));
      expect({ status: reused.status, code: reused.code }).toEqual({
        status: 409,
        code: 'idempotency_key_reused',
      });
      // The key belongs to the sender: another sender may use the same one.
      await fund(db, bob, 100);
      expect((await send(db, bob, alice, 50, key)).from).toBe(bob);
    });

    it('limits what one sender sends per day and refuses sending to oneself', async () => {
      const alice = uniqueEmail('alice');
      await fund(db, alice, 10_000);
      await send(db, alice, uniqueEmail('bob'), 600, randomUUID(), 1000);
      const over = await failureOf(send(db, alice, uniqueEmail('carol'), 401, randomUUID(), 1000));
      expect({ status: over.status, code: over.code }).toEqual({ status: 422, code: 'daily_limit_exceeded' });
      await send(db, alice, uniqueEmail('carol'), 400, randomUUID(), 1000);
      const self = await failureOf(send(db, alice, alice.toUpperCase(), 1));
      expect({ status: self.status, code: self.code }).toEqual({ status: 422, code: 'transfer_to_self' });
      expect(await available(db, alice)).toBe(9000);
    });
  });

  describe('holds for paying a payment session', () => {
    const hold = (email: string, amountMinor: number, holdId = `payment-session:${randomUUID()}`) =>
      db
        .transaction()
        .execute((trx) =>
          holdFromWallet(trx, { email, currency: 'EUR', amountMinor, holdId, createdBy: 'system:test' }),
        );

    it('reserves the amount, then posts it into wallet_payments when the session is paid', async () => {
      const alice = uniqueEmail('alice');
      await fund(db, alice, 1000);
      const holdId = `payment-session:${randomUUID()}`;
      const held = await hold(alice, 700, holdId);
      expect(held).toMatchObject({ state: 'pending', to: 'platform:wallet_payments', resolvedAt: null });
      const balance = await getWalletBalance(db, { email: alice, page: { limit: 10 } });
      expect(balance.balances[0]).toMatchObject({
        availableMinor: 300,
        pendingMinor: 700,
        postedMinor: 1000,
      });
      expect((await failureOf(send(db, alice, uniqueEmail('bob'), 301))).code).toBe('insufficient_funds');

      const posted = await db.transaction().execute((trx) => postWalletHold(trx, holdId));
      expect(posted).toMatchObject({ id: held.id, state: 'posted' });
      const after = await getWalletBalance(db, { email: alice, page: { limit: 10 } });
      expect(after.balances[0]).toMatchObject({ availableMinor: 300, pendingMinor: 0, postedMinor: 300 });
    });

    it('releases the amount when voided, and refuses to post a voided hold', async () => {
      const alice = uniqueEmail('alice');
      await fund(db, alice, 500);
      const holdId = `payment-session:${randomUUID()}`;
      await hold(alice, 500, holdId);
      expect(await available(db, alice)).toBe(0);
      await db.transaction().execute((trx) => voidWalletHold(trx, holdId));
      expect(await available(db, alice)).toBe(500);
      expect((await db.transaction().execute((trx) => voidWalletHold(trx, holdId))).state).toBe('voided');
      const post = await failureOf(db.transaction().execute((trx) => postWalletHold(trx, holdId)));
      expect({ status: post.status, code: post.code }).toEqual({ status: 409, code: 'transfer_not_pending' });
      expect((await failureOf(hold(alice, 501))).code).toBe('insufficient_funds');
    });
  });

  describe('the ledger itself', () => {
    it('never lets a wallet go negative, even written around the service', async () => {
      const alice = uniqueEmail('alice');
      await fund(db, alice, 100);
      await expect(
        db
          .updateTable('ledger_accounts')
          .set({ debits_posted: 101 })
          .where('owner_email', '=', alice)
          .execute(),
      ).rejects.toThrow(/ledger_accounts_wallet_not_negative/);
    });

    it('keeps transfers immutable: no edit, no delete, no way back from posted', async () => {
      const alice = uniqueEmail('alice');
      const credit = await fund(db, alice, 100);
      const edit = db.updateTable('ledger_transfers').set({ amount_minor: 1 }).where('id', '=', credit.id);
      await expect(edit.execute()).rejects.toThrow(/only moves from pending/);
      const back = db.updateTable('ledger_transfers').set({ state: 'pending' }).where('id', '=', credit.id);
      await expect(back.execute()).rejects.toThrow(/only moves from pending/);
      await expect(db.deleteFrom('ledger_transfers').where('id', '=', credit.id).execute()).rejects.toThrow(
        /never deleted/,
      );
    });

    it('checks that every currency sums to zero and every account matches its transfers', async () => {
      await fund(db, uniqueEmail('gbp'), 1234, 'GBP');
      const check = await http(platform.baseUrl, 'GET', '/api/admin/wallet/ledger-check', {
        token: adminToken,
      });
      expect(check.status).toBe(200);
      expect(check.body.balanced).toBe(true);
      expect(check.body.currencies.map((c: { currency: string }) => c.currency)).toEqual(['EUR', 'GBP']);

      // A balance written around the ledger (and the trigger) is found by both checks.
      const alice = uniqueEmail('alice');
      await fund(db, alice, 50, 'GBP');
      await sql`update ledger_accounts set credits_posted = credits_posted + 1
        where owner_email = ${alice}`.execute(db);
      const broken = await checkLedger(db);
      expect(broken.balanced).toBe(false);
      expect(broken.currencies.find((c) => c.currency === 'GBP')?.postedSumMinor).toBe(-1);
      expect(broken.accountsNotMatchingTransfers).toHaveLength(1);
      await sql`update ledger_accounts set credits_posted = credits_posted - 1
        where owner_email = ${alice}`.execute(db);
      expect((await checkLedger(db)).balanced).toBe(true);
    });

    it('pages a long statement without skipping or repeating a transfer', async () => {
      const alice = uniqueEmail('alice');
      const bob = uniqueEmail('bob');
      await fund(db, alice, 1000);
      for (let i = 0; i < 7; i += 1) await send(db, alice, bob, 10);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await getWalletBalance(db, { email: bob, page: { limit: 3, cursor } });
        seen.push(...page.transfers.items.map((t) => t.id));
        cursor = page.transfers.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      const admin = await http(platform.baseUrl, 'GET', `/api/admin/wallet/balance?email=${bob}&limit=2`, {
        token: adminToken,
      });
      expect(admin.status).toBe(200);
      expect(admin.body.transfers.items).toHaveLength(2);
      expect(admin.body.balances[0]).toMatchObject({ currency: 'EUR', availableMinor: 70 });
    });
  });
});
