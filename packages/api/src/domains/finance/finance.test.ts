import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '@ipay/db';
import {
  appErrorOf,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  payTestOrder,
  startFakeExact,
  uniqueEmail,
  type FakeExact,
  type TestPlatform,
} from '../../testing';
import { ExactRateLimited } from './exact/client';
import { exactAccessToken } from './exact/tokens';
import type { FinanceBatch, FinanceBatchDetail } from './schemas';
import { buildDailyBatch } from './service/build';
import { postBatchToExact } from './service/post';
import { financeBuildDailyBatch } from './tasks/build-daily-batch';
import { financePostToExact } from './tasks/post-to-exact';

const ACCOUNTS = {
  'psp_receivable:stripe': randomUUID(),
  merchant_payable: randomUUID(),
  bank: randomUUID(),
  psp_fee_expense: randomUUID(),
  ipay_fee_revenue: randomUUID(),
  wallet_liability: randomUUID(),
};

/** A paid order whose Stripe payment was collected at noon of `day` in Amsterdam. */
async function paidOn(platform: TestPlatform, day: string): Promise<string> {
  const { sessionId } = await payTestOrder(platform, { email: uniqueEmail('buyer') });
  const at = sql`(${day}::date + time '12:00') at time zone 'Europe/Amsterdam'`;
  await sql`update payments set psp = 'stripe', created_at = ${at} where session_id = ${sessionId}`.execute(
    platform.database.db,
  );
  await sql`update payment_sessions set psp = 'stripe', paid_at = ${at} where id = ${sessionId}`.execute(
    platform.database.db,
  );
  return sessionId;
}

function logger() {
  const noop = () => undefined;
  return { info: noop, warn: noop, error: noop, debug: noop, scope: {} } as never;
}

function taskContext(platform: TestPlatform) {
  return {
    db: platform.database.db,
    config: platform.config,
    encryptionKey: platform.deps.encryptionKey,
    logger: logger(),
    jobId: '1',
    attempt: 1,
    maxAttempts: 25,
  };
}

function lineSums(batch: FinanceBatchDetail): number[] {
  return batch.entries.map((e) => e.lines.reduce((sum, line) => sum + line.amount_minor, 0));
}

describe('finance batches', () => {
  let exact: FakeExact;
  let platform: TestPlatform;
  let db: Db;
  let admin: string;
  let maker: { token: string; userId: string };
  let checker: { token: string; userId: string };
  let merchantToken: string;

  beforeAll(async () => {
    exact = await startFakeExact({
      clientId: 'ipay-app',
      clientSecret: 'exact-secret',
      division: 123456,
      glAccounts: Object.values(ACCOUNTS),
    });
    platform = await createTestPlatform({
      env: {
        EXACT_CLIENT_ID: 'ipay-app',
        EXACT_CLIENT_SECRET: 'exact-secret',
        EXACT_DIVISION: '123456',
        EXACT_REFRESH_TOKEN: exact.initialRefreshToken,
        EXACT_BASE_URL: exact.url,
        // Not the built-in default, so the batch's fee entry shows the installation's setting is used.
        IPAY_DEFAULT_FEE_PER_ORDER_MINOR: '65',
      },
    });
    db = platform.database.db;
    const adminSession = await createTestPlatformAdmin(platform);
    admin = adminSession.token;
    const operatorOrg = adminSession.user.organization.id;
    maker = await createTestUser(platform, operatorOrg, ['finance']);
    checker = await createTestUser(platform, operatorOrg, ['finance']);
    merchantToken = (await payTestOrder(platform, { email: uniqueEmail('x') })).merchant.token;
    for (const [account_key, gl_account] of Object.entries(ACCOUNTS)) {
      const res = await http(platform.baseUrl, 'PUT', `/api/finance/account-mappings/${account_key}`, {
        token: maker.token,
        body: { gl_account, description: account_key },
      });
      expect(res.status).toBe(200);
    }
  }, 120_000);
  afterAll(async () => {
    await platform.close();
    await exact.close();
  });

  /** An approved batch of one paid order on `day`, its posting requested. */
  const approvedBatch = async (day: string) => {
    await paidOn(platform, day);
    const { batch } = (await build(day)).body;
    expect((await approve(batch.id, checker.token)).status).toBe(200);
    await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/post-to-exact`, {
      token: maker.token,
    });
    return batch;
  };
  const postingJob = async (batchId: string) => {
    const { rows } = await sql<{ run_at: Date }>`
      select run_at from graphile_worker.jobs where key = ${`finance.post-to-exact:${batchId}`}`.execute(db);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };
  /** A new day at Exact: limits and error budget fresh there and in what IPAY stored of them. */
  const freshExactLimits = async () => {
    exact.resetLimits();
    await sql`delete from exact_rate_limits`.execute(db);
    await sql`delete from exact_api_errors`.execute(db);
  };

  const build = (day: string, token = maker.token) =>
    http<{ changed: boolean; batch: FinanceBatch }>(platform.baseUrl, 'POST', '/api/finance/batches/build', {
      token,
      body: { day },
    });
  const read = async (id: string) =>
    (await http<FinanceBatchDetail>(platform.baseUrl, 'GET', `/api/finance/batches/${id}`, { token: admin }))
      .body;
  const approve = (id: string, token: string) =>
    http(platform.baseUrl, 'POST', `/api/finance/batches/${id}/approve`, { token });

  describe('building a day', () => {
    it('books payments, refunds and payouts in entries that each sum to zero, once per unchanged day', async () => {
      const day = '2026-10-05';
      await paidOn(platform, day);
      const refunded = await paidOn(platform, day);
      await sql`update payments set refunded_at = ${sql`(${day}::date + time '18:00') at time zone 'Europe/Amsterdam'`}
        where session_id = ${refunded}`.execute(db);
      const payout = await http(platform.baseUrl, 'POST', '/api/finance/payouts', {
        token: maker.token,
        body: {
          psp: 'stripe',
          payout_id: `po_${randomUUID()}`,
          settles_day: '2026-10-04',
          arrival_day: day,
          currency: 'EUR',
          gross_minor: 10_000,
          fee_minor: 250,
        },
      });
      expect(payout.status).toBe(200);

      const first = await build(day);
      expect(first.status).toBe(200);
      expect(first.body.changed).toBe(true);
      const batch = await read(first.body.batch.id);
      expect(batch.status).toBe('pending');
      expect(batch.built_by).toBe(maker.userId);
      expect(batch.entries.map((e) => e.entry_key)).toEqual([
        'fees:EUR',
        'payments:stripe:EUR',
        'payouts:stripe:EUR',
        'refunds:stripe:EUR',
      ]);
      expect(lineSums(batch)).toEqual([0, 0, 0, 0]);
      expect(batch.entries[0]?.lines.map((l) => [l.account_key, l.amount_minor])).toEqual([
        ['merchant_payable', 2 * 65],
        ['ipay_fee_revenue', -2 * 65],
      ]);
      const payments = batch.entries[1]?.lines ?? [];
      expect(payments).toEqual([
        expect.objectContaining({ account_key: 'psp_receivable:stripe', amount_minor: 2 * 4993 }),
        expect.objectContaining({ account_key: 'merchant_payable', amount_minor: -2 * 4993 }),
      ]);
      expect(batch.entries[2]?.lines.map((l) => [l.account_key, l.amount_minor])).toEqual([
        ['bank', 9750],
        ['psp_fee_expense', 250],
        ['psp_receivable:stripe', -10_000],
      ]);
      expect(batch.totals).toEqual([
        {
          currency: 'EUR',
          debit_minor: 130 + 9986 + 10_000 + 4993,
          credit_minor: 130 + 9986 + 10_000 + 4993,
          entry_count: 4,
        },
      ]);
      expect(batch.unmapped_accounts).toEqual([]);
      expect(batch.entries[1]?.lines[0]?.gl_account).toBe(ACCOUNTS['psp_receivable:stripe']);

      const again = await build(day, checker.token);
      expect(again.body).toMatchObject({ changed: false, batch: { id: batch.id, built_by: maker.userId } });

      await paidOn(platform, day);
      const changed = await build(day, checker.token);
      expect(changed.body.changed).toBe(true);
      expect(changed.body.batch).toMatchObject({ revision: batch.revision + 1, built_by: checker.userId });
      expect(changed.body.batch.content_hash).not.toBe(batch.content_hash);
      expect((await read(batch.id)).status).toBe('superseded');
    });

    it('builds yesterday from the crontab with no builder, and lists batches by status', async () => {
      await financeBuildDailyBatch({ day: '2026-10-06' }, taskContext(platform));
      expect(await build('2026-10-06').then((r) => r.body.batch)).toBeNull();
      await paidOn(platform, '2026-10-07');
      await financeBuildDailyBatch({ day: '2026-10-07' }, taskContext(platform));
      const list = await http<{ items: FinanceBatch[] }>(
        platform.baseUrl,
        'GET',
        '/api/finance/batches?status=pending&from=2026-10-07&to=2026-10-07',
        { token: admin },
      );
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).toMatchObject({ day: '2026-10-07', built_by: null, status: 'pending' });
    });

    it('is read by finance and operators only', async () => {
      const res = await http(platform.baseUrl, 'GET', '/api/finance/batches', { token: merchantToken });
      expect(res.status).toBe(403);
    });
  });

  describe('maker-checker', () => {
    it('refuses the builder over REST and through the caller, and lets another finance approver approve once', async () => {
      await paidOn(platform, '2026-10-10');
      const { batch } = (await build('2026-10-10')).body;
      const rest = await approve(batch.id, maker.token);
      expect(rest.status).toBe(403);
      expect(rest.body).toMatchObject({ code: 'maker_cannot_approve' });
      const viaCaller = await appErrorOf(
        platform.caller({ token: maker.token }).finance.approve({ id: batch.id }),
      );
      expect(viaCaller.code).toBe('maker_cannot_approve');
      const approved = await approve(batch.id, checker.token);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        approval: { decided_by: checker.userId, content_hash: batch.content_hash, used_at: null },
      });
      const twice = await approve(batch.id, checker.token);
      expect(twice.status).toBe(409);
    });

    it('refuses whoever enqueued the building job; a batch the crontab built is approved by any approver', async () => {
      await paidOn(platform, '2026-10-11');
      await financeBuildDailyBatch({ day: '2026-10-11', triggeredBy: checker.userId }, taskContext(platform));
      await paidOn(platform, '2026-10-12');
      await financeBuildDailyBatch({ day: '2026-10-12' }, taskContext(platform));
      const byDay = async (day: string) =>
        (
          await http<{ items: FinanceBatch[] }>(
            platform.baseUrl,
            'GET',
            `/api/finance/batches?from=${day}&to=${day}`,
            {
              token: admin,
            },
          )
        ).body.items[0] as FinanceBatch;
      const triggered = await byDay('2026-10-11');
      expect((await approve(triggered.id, checker.token)).body).toMatchObject({
        code: 'maker_cannot_approve',
      });
      expect((await approve(triggered.id, maker.token)).status).toBe(200);
      const scheduled = await byDay('2026-10-12');
      expect((await approve(scheduled.id, checker.token)).status).toBe(200);
    });

    it('needs a new approval once the day changes, and the job posts nothing unapproved', async () => {
      await paidOn(platform, '2026-10-13');
      const first = (await build('2026-10-13')).body.batch;
      expect((await approve(first.id, checker.token)).status).toBe(200);
      await paidOn(platform, '2026-10-13');
      const second = (await build('2026-10-13', admin)).body.batch;
      expect(second.status).toBe('pending');
      expect((await read(first.id)).status).toBe('superseded');
      const stale = await http(platform.baseUrl, 'POST', `/api/finance/batches/${first.id}/post-to-exact`, {
        token: checker.token,
      });
      expect(stale.status).toBe(409);
      const unapproved = await http(
        platform.baseUrl,
        'POST',
        `/api/finance/batches/${second.id}/post-to-exact`,
        {
          token: checker.token,
        },
      );
      expect(unapproved.body).toMatchObject({ status: 409, code: 'batch_not_approved' });
      const before = exact.entries.length;
      await financePostToExact({ batchId: second.id }, taskContext(platform));
      expect(exact.entries.length).toBe(before);
      expect((await read(second.id)).status).toBe('pending');
    });

    it('refuses an approval when the stored lines no longer match the content hash', async () => {
      await paidOn(platform, '2026-10-14');
      const { batch } = (await build('2026-10-14')).body;
      await sql`update finance_batch_entries set lines = jsonb_set(lines, '{0,amount_minor}', '1')
        where batch_id = ${batch.id}`.execute(db);
      const res = await approve(batch.id, checker.token);
      expect(res.body).toMatchObject({ status: 409, code: 'batch_tampered' });
    });

    it('rejects with a reason, and the rejected day is rebuilt as a new revision', async () => {
      await paidOn(platform, '2026-10-15');
      const { batch } = (await build('2026-10-15')).body;
      const bare = await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/reject`, {
        token: checker.token,
        body: {},
      });
      expect(bare.status).toBe(400);
      expect(JSON.stringify(bare.body)).toContain('reason');
      const rejected = await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/reject`, {
        token: checker.token,
        body: { reason: 'fees are missing' },
      });
      expect(rejected.body).toMatchObject({ status: 'rejected', rejection: { reason: 'fees are missing' } });
      const rebuilt = (await build('2026-10-15', admin)).body;
      expect(rebuilt).toMatchObject({ changed: true, batch: { revision: 2, status: 'pending' } });
    });
  });

  describe('posting to Exact Online', () => {
    it('books every entry exactly once across a lost answer, a worker crash and a token rotation', async () => {
      const day = '2026-10-20';
      await paidOn(platform, day);
      const refunded = await paidOn(platform, day);
      await sql`update payments set refunded_at = ${sql`(${day}::date + time '18:00') at time zone 'Europe/Amsterdam'`}
        where session_id = ${refunded}`.execute(db);
      await http(platform.baseUrl, 'POST', '/api/finance/payouts', {
        token: maker.token,
        body: {
          psp: 'stripe',
          payout_id: `po_${randomUUID()}`,
          settles_day: '2026-10-19',
          arrival_day: day,
          currency: 'EUR',
          gross_minor: 5000,
          fee_minor: 100,
        },
      });
      const { batch } = (await build(day)).body;
      expect((await approve(batch.id, checker.token)).status).toBe(200);
      const queued = await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/post-to-exact`, {
        token: maker.token,
      });
      expect(queued.status).toBe(200);
      expect(queued.body).toMatchObject({ batch_id: batch.id, job_id: expect.any(String) });
      const before = exact.entries.length;

      exact.dropAnswerOnNextPost();
      const crashed = postBatchToExact(db, {
        batchId: batch.id,
        exact: platform.config.exact,
        encryptionKey: platform.deps.encryptionKey,
      });
      await expect(crashed).rejects.toThrow();
      expect((await read(batch.id)).status).toBe('failed');
      expect(exact.entries.length).toBe(before + 1);

      exact.expireAccessTokens();
      const outcome = await postBatchToExact(db, {
        batchId: batch.id,
        exact: platform.config.exact,
        encryptionKey: platform.deps.encryptionKey,
      });
      expect(outcome).toEqual({ kind: 'posted', booked: 4 });
      const posted = await read(batch.id);
      expect(posted.status).toBe('posted');
      const received = exact.entries.slice(before);
      expect(received).toHaveLength(4);
      expect(received.map((e) => e.EntryID).sort()).toEqual(
        posted.entries.map((e) => e.exact_entry_id).sort(),
      );
      for (const entry of received) {
        const cents = entry.GeneralJournalEntryLines.reduce(
          (sum, line) => sum + Math.round(line.AmountFC * 100),
          0,
        );
        expect(cents).toBe(0);
        expect(new Set(entry.GeneralJournalEntryLines.map((l) => l.Notes)).size).toBe(1);
      }
      expect(exact.refreshes.reused).toBe(0);

      const again = await postBatchToExact(db, {
        batchId: batch.id,
        exact: platform.config.exact,
        encryptionKey: platform.deps.encryptionKey,
      });
      expect(again).toEqual({ kind: 'posted', booked: 0 });
      const repost = await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/post-to-exact`, {
        token: maker.token,
      });
      expect(repost.body).toMatchObject({ status: 'posted', job_id: null });
      expect(exact.entries.length).toBe(before + 4);
    });

    it('books only the corrections when a posted day changes', async () => {
      const day = '2026-10-21';
      await paidOn(platform, day);
      const { batch } = (await build(day)).body;
      await approve(batch.id, checker.token);
      await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/post-to-exact`, {
        token: maker.token,
      });
      const outcome = await postBatchToExact(db, {
        batchId: batch.id,
        exact: platform.config.exact,
        encryptionKey: platform.deps.encryptionKey,
      });
      expect(outcome).toEqual({ kind: 'posted', booked: 2 });
      await paidOn(platform, day);
      const correction = (await build(day)).body.batch;
      expect(correction.revision).toBe(2);
      const lines = (await read(correction.id)).entries.flatMap((e) =>
        e.lines.map((l) => [l.account_key, l.amount_minor]),
      );
      expect(lines).toEqual([
        ['merchant_payable', 65],
        ['ipay_fee_revenue', -65],
        ['psp_receivable:stripe', 4993],
        ['merchant_payable', -4993],
      ]);
      expect((await read(batch.id)).status).toBe('posted');
    });

    it('refreshes a single-use refresh token once when two workers need a token at the same time', async () => {
      exact.expireAccessTokens();
      await sql`update exact_tokens set access_expires_at = now() - interval '1 minute'`.execute(db);
      const rotated = exact.refreshes.rotated;
      const config = platform.config.exact!;
      const { encryptionKey } = platform.deps;
      // A second worker process: its own pool on the same database.
      const other = createDatabase({ connectionString: platform.database.connectionString, max: 2 });
      const tokens = await Promise.all([
        exactAccessToken({ db, config, encryptionKey }),
        exactAccessToken({ db: other.db, config, encryptionKey }),
      ]).finally(() => other.close());
      expect(tokens[0]).toBe(tokens[1]);
      expect(exact.refreshes.rotated).toBe(rotated + 1);
      expect(exact.refreshes.reused).toBe(0);
      const row = await db.selectFrom('exact_tokens').selectAll().executeTakeFirstOrThrow();
      expect(row.refresh_token_sealed).toMatch(/^v1:/);
      expect(row.access_token_sealed).not.toContain(tokens[0]);
    });

    it('stops at a spent rate limit and reschedules the posting for its reset', async () => {
      const day = '2026-10-22';
      await paidOn(platform, day);
      const { batch } = (await build(day)).body;
      await approve(batch.id, checker.token);
      await http(platform.baseUrl, 'POST', `/api/finance/batches/${batch.id}/post-to-exact`, {
        token: maker.token,
      });
      const before = exact.entries.length;
      exact.exhaustMinutelyLimit(45_000);
      await financePostToExact({ batchId: batch.id }, taskContext(platform));
      expect(exact.entries.length).toBe(before);
      const { rows } = await sql<{ run_at: Date }>`
        select run_at from graphile_worker.jobs
        where key = ${`finance.post-to-exact:${batch.id}`}`.execute(db);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.run_at.getTime()).toBeGreaterThan(Date.now() + 30_000);
      expect((await read(batch.id)).status).toBe('approved');
      await freshExactLimits();
    });

    it('waits for the daily limit to reset at the time its header states, and a second worker sends nothing', async () => {
      const batch = await approvedBatch('2026-10-23');
      const before = exact.entries.length;
      exact.exhaustDailyLimit();
      await financePostToExact({ batchId: batch.id }, taskContext(platform));
      expect(exact.entries.length).toBe(before);
      const midnight = new Date();
      midnight.setUTCHours(24, 0, 0, 0);
      expect((await postingJob(batch.id)).run_at.getTime()).toBe(midnight.getTime());
      const requests = exact.apiRequests();
      const second = await postBatchToExact(db, {
        batchId: batch.id,
        exact: platform.config.exact,
        encryptionKey: platform.deps.encryptionKey,
      });
      expect(second).toEqual({ kind: 'rate_limited', retryAt: midnight });
      expect(exact.apiRequests()).toBe(requests);
      expect((await read(batch.id)).status).toBe('approved');
      await freshExactLimits();
    });

    it('stops one error short of Exact’s error budget and resumes when the oldest error leaves the hour', async () => {
      const batch = await approvedBatch('2026-10-24');
      const errors = exact.errorBudget.errors;
      exact.refuseNextPosts(100);
      const post = () =>
        postBatchToExact(db, {
          batchId: batch.id,
          exact: platform.config.exact,
          encryptionKey: platform.deps.encryptionKey,
        });
      for (let run = 0; run < 9; run += 1) await expect(post()).rejects.toThrow('the journal is blocked');
      expect(exact.errorBudget.errors).toBe(errors + 9);
      const firstError = new Date(Date.now() - 1_000);

      await financePostToExact({ batchId: batch.id }, taskContext(platform));
      expect(exact.errorBudget).toEqual({ errors: errors + 9, blocked: 0 });
      const runAt = (await postingJob(batch.id)).run_at.getTime();
      expect(runAt).toBeGreaterThan(firstError.getTime() + 3_500_000);
      expect(runAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
      expect((await read(batch.id)).status).toBe('failed');

      await freshExactLimits();
      exact.refuseNextPosts(0);
      expect(await post()).toEqual({ kind: 'posted', booked: 2 });
    });

    it('takes Exact’s refusal of an early refresh as a wait, keeping the refresh token', async () => {
      const config = platform.config.exact!;
      const { encryptionKey } = platform.deps;
      exact.expireAccessTokens();
      await sql`update exact_tokens set access_expires_at = now() - interval '1 minute'`.execute(db);
      const token = await exactAccessToken({ db, config, encryptionKey });
      const tooEarly = exact.refreshes.tooEarly;
      // As after a 401 on a token with minutes to live: Exact will not refresh before its last 30 seconds.
      const refused = await exactAccessToken({ db, config, encryptionKey }, token).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ExactRateLimited);
      expect((refused as ExactRateLimited).retryAt.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
      expect(exact.refreshes.tooEarly).toBe(tooEarly + 1);

      exact.expireAccessTokens();
      await sql`update exact_tokens set access_expires_at = now() - interval '1 minute'`.execute(db);
      const next = await exactAccessToken({ db, config, encryptionKey });
      expect(next).not.toBe(token);
      expect(exact.refreshes.reused).toBe(0);
    });
  });

  describe('reconciliation', () => {
    it('lists accrued against settled per PSP and day, with the differences', async () => {
      await paidOn(platform, '2026-09-01');
      await paidOn(platform, '2026-09-02');
      const payout = (settles_day: string, gross_minor: number) =>
        http(platform.baseUrl, 'POST', '/api/finance/payouts', {
          token: maker.token,
          body: {
            psp: 'stripe',
            payout_id: `po_${settles_day}`,
            settles_day,
            arrival_day: '2026-09-04',
            currency: 'EUR',
            gross_minor,
            fee_minor: 0,
          },
        });
      expect((await payout('2026-09-01', 4993)).status).toBe(200);
      expect((await payout('2026-09-01', 4993)).body).toMatchObject({ already_recorded: true });
      expect((await payout('2026-09-01', 5000)).status).toBe(409);
      await payout('2026-09-03', 100);
      const res = await http(
        platform.baseUrl,
        'GET',
        '/api/finance/reconciliation?from=2026-09-01&to=2026-09-03',
        {
          token: maker.token,
        },
      );
      expect(res.status).toBe(200);
      expect(res.body.rows).toEqual([
        {
          psp: 'stripe',
          day: '2026-09-01',
          currency: 'EUR',
          accrued_minor: 4993,
          settled_minor: 4993,
          difference_minor: 0,
          status: 'matched',
        },
        {
          psp: 'stripe',
          day: '2026-09-02',
          currency: 'EUR',
          accrued_minor: 4993,
          settled_minor: 0,
          difference_minor: -4993,
          status: 'unsettled',
        },
        {
          psp: 'stripe',
          day: '2026-09-03',
          currency: 'EUR',
          accrued_minor: 0,
          settled_minor: 100,
          difference_minor: 100,
          status: 'over',
        },
      ]);
      expect(res.body.differences.map((r: { day: string }) => r.day)).toEqual(['2026-09-02', '2026-09-03']);
      const backwards = await http(
        platform.baseUrl,
        'GET',
        '/api/finance/reconciliation?from=2026-09-03&to=2026-09-01',
        {
          token: maker.token,
        },
      );
      expect(backwards.status).toBe(400);
      expect(backwards.body.errors[0].field).toBe('to');
    });
  });
});

describe('finance without Exact configured', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('answers post-to-exact with a 503 problem naming the settings', async () => {
    const admin = await createTestPlatformAdmin(platform);
    const res = await http(platform.baseUrl, 'POST', `/api/finance/batches/${randomUUID()}/post-to-exact`, {
      token: admin.token,
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'exact_not_configured' });
    expect(res.body.detail).toContain('EXACT_CLIENT_ID');
    expect(res.body.detail).toContain('EXACT_DIVISION');
  });

  it('builds a batch through a job with unmapped accounts listed', async () => {
    const { sessionId } = await payTestOrder(platform, { email: uniqueEmail('b') });
    await sql`update payments set psp = 'stripe', created_at = timestamptz '2026-08-01 10:00+00' where session_id = ${sessionId}`.execute(
      platform.database.db,
    );
    const result = await platform.database.db.transaction().execute((trx) =>
      buildDailyBatch(trx, {
        day: '2026-08-01',
        triggeredBy: null,
        platformDefaultFeeMinor: platform.config.settlement.defaultFeePerOrderMinor,
      }),
    );
    expect(result.batch?.unmapped_accounts).toEqual(['merchant_payable', 'psp_receivable:stripe']);
  });
});
