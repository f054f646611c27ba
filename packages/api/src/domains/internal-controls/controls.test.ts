import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@ipay/db';
import {
  cloneTestSessions,
  createTestMerchant,
  createTestPaymentSession,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  payTestOrder,
  relayTestEvents,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import { CONTROLS } from './controls';
import type { ControlDefinition } from './controls/define';
import { checkControl } from './service/run-controls';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What a breaker made: the offending id the evidence must show (when it is one), and the moment to check at. */
interface Broken {
  offender?: string;
  now?: Date;
}

/**
 * Every control GREEN on sound data made through the real flows, then RED on data made to break it, one control at
 * a time. A control added without a breaker here fails the catalogue test below.
 */
describe('the daily controls, GREEN and RED', () => {
  let platform: TestPlatform;
  let db: Db;
  let merchant: AuthSession;
  let operatorOrg: string;

  beforeAll(async () => {
    platform = await createTestPlatform();
    db = platform.database.db;
    merchant = await createTestMerchant(platform);
    operatorOrg = (await createTestPlatformAdmin(platform)).user.organization.id;
    // Sound data: paid orders with their payments, events and points lots.
    for (let i = 0; i < 3; i += 1) await payTestOrder(platform, { email: uniqueEmail('sound'), merchant });
    await relayTestEvents(platform);
  });
  afterAll(() => platform.close());

  const paid = async () => {
    const order = await payTestOrder(platform, { email: uniqueEmail('broken'), merchant });
    await relayTestEvents(platform);
    return order;
  };
  const pending = async () => (await createTestPaymentSession(platform, merchant)).session.id as string;
  const tomorrow = () => new Date(Date.now() + DAY);

  async function endpoints(count: number, status: 'active' | 'disabled', failingSince: string | null) {
    const { rows } = await sql<{ id: string }>`
      insert into webhook_endpoints (organization_id, url, secret_encrypted, status, failing_since, updated_at)
      select ${merchant.user.organization.id}, 'https://hooks.example.com/' || g, 'sealed', ${status},
             ${failingSince}::timestamptz, now()
      from generate_series(1, ${count}) g
      returning id::text`.execute(db);
    return rows.map((row) => row.id);
  }

  async function deliveries(count: number, status: 'failed' | 'pending', nextAttempt: string | null) {
    const ids = await endpoints(count, 'active', null);
    const event = await db.selectFrom('domain_events').select('id').limit(1).executeTakeFirstOrThrow();
    await sql`
      insert into webhook_deliveries (endpoint_id, event_id, status, next_attempt_at, updated_at)
      select id, ${event.id}::uuid, ${status}, ${nextAttempt}::timestamptz, now()
      from unnest(${ids}::uuid[]) as id`.execute(db);
  }

  async function emails(count: number, status: 'failed' | 'queued', createdAt: string) {
    await sql`
      insert into email_outbox ("to", subject, text, status, created_at, updated_at)
      select 'x' || g || '@example.com', 'broken', 'broken', ${status}, ${createdAt}::timestamptz, now()
      from generate_series(1, ${count}) g`.execute(db);
  }

  async function reconciliations(count: number, status: string, delta: number, createdAt: string) {
    const imported = await sql<{ id: string }>`
      insert into carrier_invoice_imports (carrier_code, format, file_name, status)
      values ('UPS', 'generic-csv', 'broken.csv', 'imported') returning id::text`.execute(db);
    await sql`
      insert into carrier_reconciliations (import_id, carrier_code, status, line_numbers, invoice_number, currency,
                                           billed_minor, expected_minor, delta_minor, billed, created_at)
      select ${imported.rows[0]?.id}::uuid, 'UPS', ${status}, array[g], 'INV-' || g, 'EUR', 1000 + ${delta},
             1000, ${delta}, '{}'::jsonb, ${createdAt}::timestamptz
      from generate_series(1, ${count}) g`.execute(db);
  }

  async function grantToday(role: string, count: number) {
    for (let i = 0; i < count; i += 1) await createTestUser(platform, operatorOrg, [role as 'cfo']);
  }

  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  let batchDay = 0;
  /** An accounting batch of its own day with one entry of `lines` (account key, amount), as the finance tables hold it. */
  async function batch(
    status: string,
    lines: number[],
    extra: { exactEntryId?: string; updatedAt?: string } = {},
  ) {
    batchDay += 1;
    const { rows } = await sql<{ id: string; entry: string }>`
      with b as (
        insert into finance_batches (day, revision, status, content_hash, totals, updated_at)
        values (date '2020-01-01' + ${batchDay}::int, 1, ${status}, 'hash-built', '{}'::jsonb,
                coalesce(${extra.updatedAt ?? null}::timestamptz, now()))
        returning id
      ), e as (
        insert into finance_batch_entries (batch_id, position, entry_key, description, currency, lines, exact_entry_id)
        select b.id, 0, 'payments:stripe:EUR', 'broken', 'EUR',
               ${JSON.stringify(lines.map((amount_minor, i) => ({ account_key: `account_${i}`, amount_minor })))}::jsonb,
               ${extra.exactEntryId ?? null}::uuid
        from b returning id
      )
      select (select id::text from b) as id, (select id::text from e) as entry`.execute(db);
    const row = rows[0];
    if (!row) throw new Error('no batch inserted');
    return row;
  }

  /** A paid order whose PSP payment was taken by `psp` at noon UTC `daysAgo` days ago (an Amsterdam afternoon). */
  async function collectedBy(psp: 'stripe' | 'multisafepay', daysAgo: number) {
    const { sessionId } = await paid();
    const { rows } = await sql<{ day: string; amount: number; currency: string }>`
      update payments set psp = ${psp},
        created_at = date_trunc('day', now()) - make_interval(days => ${daysAgo}) + interval '12 hours'
      where session_id = ${sessionId}
      returning (created_at at time zone 'Europe/Amsterdam')::date::text as day, amount_minor as amount, currency`.execute(
      db,
    );
    const row = rows[0];
    if (!row) throw new Error('no payment to move');
    return row;
  }

  const BREAKERS: Record<string, () => Promise<Broken>> = {
    'rc.accrued-vs-settled': async () => {
      // Twelve days on, the PSP's payout for the day is still 1.00 short.
      const { day, amount, currency } = await collectedBy('stripe', 12);
      await sql`insert into psp_payouts (psp, payout_id, settles_day, arrival_day, currency, gross_minor, fee_minor,
                                         net_minor, recorded_by)
        values ('stripe', 'po_short', ${day}::date, ${day}::date + 2, ${currency}, ${amount - 100}, 0,
                ${amount - 100}, ${merchant.user.id})`.execute(db);
      return { offender: `stripe ${day} ${currency}: accrued ${amount}, settled ${amount - 100}` };
    },
    'psp.payouts-recorded': async () => {
      // MultiSafepay collected eight days ago and no payout of it was ever recorded.
      const { day, amount, currency } = await collectedBy('multisafepay', 8);
      return {
        offender: `multisafepay ${currency}: ${amount} collected since ${day}, last payout recorded never`,
      };
    },
    'rc.batch-entries-unbalanced': async () => ({ offender: (await batch('pending', [100, -90])).entry }),
    'rc.batch-approval-outdated': async () => {
      const { id } = await batch('approved', [100, -100]);
      const checker = await createTestUser(platform, operatorOrg, ['finance']);
      await sql`insert into finance_batch_decisions (batch_id, decision, content_hash, decided_by)
        values (${id}, 'approve', 'hash-approved-before-a-change', ${checker.userId})`.execute(db);
      return { offender: id };
    },
    'rc.batch-posted-without-exact-id': async () => ({ offender: (await batch('posted', [5, -5])).entry }),
    'rc.batch-waiting': async () => {
      const stale = { updatedAt: ago(3 * DAY) };
      await batch('pending', [1, -1], stale);
      await batch('failed', [1, -1], stale);
      return { offender: (await batch('approved', [1, -1], stale)).id };
    },
    'di.paid-session-without-payment': async () => {
      const { sessionId } = await paid();
      await sql`update payments set needs_refund = true where session_id = ${sessionId}`.execute(db);
      return { offender: sessionId };
    },
    'di.paid-session-several-payments': async () => {
      const { sessionId } = await paid();
      await sql`insert into payments (session_id, psp, psp_payment_id, status, amount_minor, currency)
        select session_id, psp, psp_payment_id || '-again', status, amount_minor, currency
        from payments where session_id = ${sessionId}`.execute(db);
      return { offender: sessionId };
    },
    'di.order-total-mismatch': async () => {
      const { orderId } = await paid();
      // The table's check constraint refuses this write: the control is for data that got around it.
      await sql`alter table orders drop constraint orders_total_minor_check`.execute(db);
      await sql`update orders set total_minor = total_minor + 1 where id = ${orderId}`.execute(db);
      await sql`alter table orders add constraint orders_total_minor_check
        check (total_minor = items_total_minor + shipping_minor - discount_minor and total_minor >= 0) not valid`.execute(
        db,
      );
      return { offender: orderId };
    },
    'di.order-items-sum-mismatch': async () => {
      const { orderId } = await paid();
      await sql`update order_items set line_total_minor = line_total_minor + 5, unit_price_minor = unit_price_minor + 5
        where order_id = ${orderId} and position = (select min(position) from order_items where order_id = ${orderId})
          and quantity = 1`.execute(db);
      await sql`update order_items set line_total_minor = line_total_minor + 7 where order_id = ${orderId}`.execute(
        db,
      );
      return { offender: orderId };
    },
    'di.item-line-total-mismatch': async () => {
      const { orderId } = await paid();
      await sql`update order_items set unit_price_minor = unit_price_minor + 1 where order_id = ${orderId}`.execute(
        db,
      );
      return {};
    },
    'di.session-amount-mismatch': async () => {
      const sessionId = await pending();
      await sql`update payment_sessions set amount_minor = amount_minor + 1 where id = ${sessionId}`.execute(
        db,
      );
      return { offender: sessionId };
    },
    'di.payment-currency-mismatch': async () => {
      const { sessionId } = await paid();
      const payment = await db
        .selectFrom('payments')
        .select('id')
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      await sql`update payments set currency = 'USD' where id = ${payment.id}`.execute(db);
      return { offender: payment.id };
    },
    'di.points-negative': async () => {
      const { sessionId } = await paid();
      const lot = await db
        .selectFrom('points_lots')
        .select('id')
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      await sql`alter table points_lots disable trigger all`.execute(db);
      await dropChecks('points_lots');
      await sql`update points_lots set remaining = -1 where id = ${lot.id}`.execute(db);
      return { offender: lot.id };
    },
    'di.order-not-paid-but-session-paid': async () => {
      const { orderId } = await paid();
      await sql`update orders set status = 'OPEN' where id = ${orderId}`.execute(db);
      return { offender: orderId };
    },
    'sm.payments-differ-from-session': async () => {
      const { sessionId } = await paid();
      await sql`update payments set amount_minor = amount_minor - 1 where session_id = ${sessionId}`.execute(
        db,
      );
      return { offender: sessionId };
    },
    'sm.refunded-without-psp-refund': async () => {
      const { sessionId } = await paid();
      await sql`update payment_sessions set status = 'REFUNDED' where id = ${sessionId}`.execute(db);
      return { offender: sessionId };
    },
    'sm.paid-without-paid-event': async () => {
      const sessionId = await pending();
      await sql`update payment_sessions set paid_at = now() where id = ${sessionId}`.execute(db);
      return { offender: sessionId };
    },
    'sm.payment-on-unpaid-session': async () => {
      const sessionId = await pending();
      const { rows } = await sql<{ id: string }>`
        insert into payments (session_id, psp, psp_payment_id, status, amount_minor, currency)
        select id, 'simulate', 'sim-' || gen_random_uuid(), 'succeeded', amount_minor, currency
        from payment_sessions where id = ${sessionId} returning id::text`.execute(db);
      return { offender: rows[0]?.id };
    },
    'psp.failed-payments-today': async () => {
      const sessionId = await pending();
      const today = await sql<{ n: number }>`
        select count(*)::int as n from payments where created_at >= date_trunc('day', now())`.execute(db);
      await sql`insert into payments (session_id, psp, psp_payment_id, status, amount_minor, currency, failure_reason)
        select ${sessionId}, 'simulate', 'failed-' || g || '-' || gen_random_uuid(), 'failed', 100, 'EUR', 'declined'
        from generate_series(1, ${(today.rows[0]?.n ?? 0) + 1}) g`.execute(db);
      return {};
    },
    'psp.sessions-past-expiry': async () => {
      const sessionId = await pending();
      await cloneTestSessions(db, { sessionId, count: 10, set: { expires_at: sql`${ago(2 * HOUR)}::text` } });
      return {};
    },
    'psp.refunds-owed-over-a-day': async () => {
      const { sessionId } = await paid();
      await sql`update payments set needs_refund = true, refund_reason = 'test', created_at = ${ago(2 * DAY)}::timestamptz
        where session_id = ${sessionId}`.execute(db);
      return {};
    },
    'wh.endpoints-disabled-today': async () => ({ offender: (await endpoints(3, 'disabled', null))[0] }),
    'wh.endpoints-failing-over-a-day': async () => ({
      offender: (await endpoints(5, 'active', ago(2 * DAY)))[0],
    }),
    'wh.deliveries-failed-today': async () => {
      await deliveries(25, 'failed', null);
      return {};
    },
    'wh.deliveries-overdue': async () => {
      await deliveries(25, 'pending', ago(2 * HOUR));
      return {};
    },
    'wh.emails-failed-today': async () => {
      await emails(5, 'failed', new Date().toISOString());
      return {};
    },
    'wh.emails-queued-over-an-hour': async () => {
      await emails(20, 'queued', ago(2 * HOUR));
      return {};
    },
    'wh.jobs-failing-over-an-hour': async () => {
      await sql`select graphile_worker.add_job('internal-controls.run-daily', '{}'::json, job_key => 'broken-' || g)
        from generate_series(1, 10) g`.execute(db);
      await sql`update graphile_worker._private_jobs set last_error = 'boom', created_at = ${ago(2 * HOUR)}::timestamptz
        where key like 'broken-%'`.execute(db);
      return {};
    },
    'rc.carrier-invoice-deltas': async () => {
      await reconciliations(10, 'MISMATCH', 900, new Date().toISOString());
      return {};
    },
    'rc.carrier-lines-unmatched': async () => {
      await reconciliations(20, 'UNMATCHED_IN_DB', 0, ago(8 * DAY));
      return {};
    },
    'rc.paid-not-delivered': async () => {
      const { sessionId } = await paid();
      await cloneTestSessions(db, { sessionId, count: 10, set: { paid_at: sql`${ago(15 * DAY)}::text` } });
      return {};
    },
    'rc.released-not-delivered': async () => {
      const { sessionId } = await paid();
      await cloneTestSessions(db, {
        sessionId,
        count: 10,
        set: { status: sql`'RELEASED'`, released_at: sql`${ago(4 * DAY)}::text` },
      });
      return {};
    },
    'rc.ledger-not-zero': async () => {
      await sql`insert into ledger_accounts (kind, platform_code, currency, credits_posted)
        values ('platform', 'broken_zero', 'CHF', 100)`.execute(db);
      return { offender: 'CHF' };
    },
    'rc.ledger-balances-differ': async () => {
      const { rows } = await sql<{ id: string }>`
        insert into ledger_accounts (kind, platform_code, currency, debits_posted, credits_posted)
        values ('platform', 'broken_balance', 'SEK', 50, 50) returning id::text`.execute(db);
      return { offender: rows[0]?.id };
    },
    'rc.ledger-pending-stale': async () => {
      const { rows } = await sql<{ id: string }>`
        insert into ledger_accounts (kind, platform_code, currency)
        select 'platform', 'stale_' || chr(96 + g), 'NOK' from generate_series(1, 2) g
        returning id::text`.execute(db);
      const [debit, credit] = rows.map((row) => row.id);
      await sql`insert into ledger_transfers (external_id, request_hash, kind, debit_account_id, credit_account_id,
                                              currency, amount_minor, state, created_by, created_at)
        select 'stale-' || g || '-' || gen_random_uuid(), 'h', 'transfer', ${debit}::uuid, ${credit}::uuid, 'NOK', 1,
               'pending', 'test', ${ago(2 * DAY)}::timestamptz
        from generate_series(1, 5) g`.execute(db);
      return {};
    },
    'sec.platform-admins-added-today': async () => {
      await grantToday('platform_admin', 2);
      return {};
    },
    'sec.cfo-added-today': async () => {
      await grantToday('cfo', 2);
      return {};
    },
    'sec.finance-added-today': async () => {
      await grantToday('finance', 3);
      return {};
    },
    'sec.otp-locks-today': async () => {
      const { sessionId } = await paid();
      await cloneTestSessions(db, { sessionId, count: 10, set: { otp_locked_at: sql`now()::text` } });
      return {};
    },
    'sec.removed-users-with-roles': async () => {
      const user = await createTestUser(platform, operatorOrg, ['operator']);
      await sql`update users set status = 'disabled' where id = ${user.userId}`.execute(db);
      return { offender: user.userId, now: tomorrow() };
    },
  };

  async function dropChecks(table: string): Promise<void> {
    await sql`do $$ declare c record; begin
      for c in select conname from pg_constraint where conrelid = ${sql.lit(table)}::regclass and contype = 'c' loop
        execute format('alter table %I drop constraint %I', ${sql.lit(table)}, c.conname);
      end loop; end $$`.execute(db);
  }

  /** Role grants made by the tests today are the security controls' subject: their GREEN day is tomorrow. */
  const greenMoment = (control: ControlDefinition) =>
    control.id.endsWith('-added-today') ? tomorrow() : new Date();

  it('declares about thirty controls, each with a unique id, an owner, thresholds and a RED test', () => {
    expect(CONTROLS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CONTROLS.map((c) => c.id)).size).toBe(CONTROLS.length);
    for (const control of CONTROLS) {
      expect(control.thresholds.amber).toBeLessThanOrEqual(control.thresholds.red);
      expect(BREAKERS[control.id], `${control.id} has a breaker`).toBeDefined();
    }
    expect(Object.keys(BREAKERS).sort()).toEqual(CONTROLS.map((c) => c.id).sort());
  });

  it('finds every control GREEN on sound data', async () => {
    const reds: string[] = [];
    for (const control of CONTROLS) {
      const outcome = await checkControl(db, control, { now: greenMoment(control) });
      if (outcome.status !== 'GREEN')
        reds.push(`${control.id}: ${outcome.status} ${outcome.evidence.join(',')}`);
    }
    expect(reds).toEqual([]);
  });

  for (const control of CONTROLS) {
    it(`turns ${control.id} RED on data made to break it`, async () => {
      const broken = await BREAKERS[control.id]!();
      const outcome = await checkControl(db, control, { now: broken.now ?? new Date() });
      expect(outcome.status).toBe('RED');
      expect(outcome.metric).toBeGreaterThanOrEqual(control.thresholds.red);
      expect(outcome.evidence.length).toBeGreaterThan(0);
      if (broken.offender) expect(outcome.evidence).toContain(broken.offender);
    });
  }
});
