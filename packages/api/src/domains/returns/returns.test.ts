import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  orderBody,
  payTestOrder,
  payTokenOf,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import type { Settlement } from '../settlement/schemas';
import { buildDailyBatch } from '../finance/service/build';
import { refundReturnAtPsp } from './service/psp-refund';
import { expireDueReturns } from './service/expire';
import { loadReturnCase } from './service/load-case';
import { transitionReturn, type ReturnTransition } from './service/transitions';

const DAY_MS = 86_400_000;

describe('returns', () => {
  let platform: TestPlatform;
  let operator: AuthSession;

  beforeAll(async () => {
    platform = await createTestPlatform();
    operator = await createTestPlatformAdmin(platform);
  });
  afterAll(() => platform.close());

  /** A delivered order (2 × 19.99 T-shirt, 1 × 5.00 socks, 4.95 shipping) and its pay token. */
  async function delivered(
    options: { merchant?: AuthSession; deliveredDaysAgo?: number; email?: string } = {},
  ) {
    const email = options.email ?? uniqueEmail('anna');
    const paid = await payTestOrder(platform, {
      email,
      ...(options.merchant ? { merchant: options.merchant } : {}),
    });
    const session = await platform.database.db
      .updateTable('payment_sessions')
      .set({
        status: 'DELIVERED',
        delivered_at: new Date(Date.now() - (options.deliveredDaysAgo ?? 1) * DAY_MS),
      })
      .where('id', '=', paid.sessionId)
      .returning('pay_token')
      .executeTakeFirstOrThrow();
    return { ...paid, email, payToken: session.pay_token };
  }

  function open(body: Record<string, unknown>, options: { token?: string; key?: string } = {}) {
    return http(platform.baseUrl, 'POST', '/api/returns/open', {
      body,
      ...(options.token ? { token: options.token } : {}),
      ...(options.key ? { headers: { 'Idempotency-Key': options.key } } : {}),
    });
  }

  const tshirts = (quantity: number) => ({
    position: 0,
    quantity,
    reason: 'DOES_NOT_FIT',
    reasonText: 'Too small',
  });

  function move(
    returnId: string,
    to: ReturnTransition['to'],
    source: ReturnTransition['source'],
    at = new Date(),
  ) {
    return platform.database.db
      .transaction()
      .execute((trx) => transitionReturn(trx, { returnId, to, occurredAt: at, source }));
  }

  async function eventTypes(returnId: string): Promise<string[]> {
    const rows = await platform.database.db
      .selectFrom('domain_events')
      .select('type')
      .where('resource_type', '=', 'return')
      .where('resource_id', '=', returnId)
      .orderBy('sequence')
      .execute();
    return rows.map((row) => row.type);
  }

  async function labelled(returnId: string) {
    await platform.database.db
      .updateTable('return_cases')
      .set({
        sendcloud_parcel_id: Math.floor(Math.random() * 1e9),
        tracking_number: 'JVGL0001',
        carrier_code: 'postnl',
      })
      .where('id', '=', returnId)
      .execute();
    return move(returnId, 'LABEL_CREATED', 'merchant');
  }

  it('opens a return by pay token, approves it at once, and shows it on the portal', async () => {
    const order = await delivered();
    const opened = await open(
      { payToken: order.payToken, items: [tshirts(1)], refundMethod: 'ORIGINAL_PAYMENT' },
      { key: 'open-1' },
    );
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body).toMatchObject({ status: 'APPROVED', itemsValueMinor: 1999, currency: 'EUR' });
    expect(opened.body.portalUrl).toBe(`${platform.config.publicUrl}/returns/${opened.body.token}`);
    const replay = await open(
      { payToken: order.payToken, items: [tshirts(1)], refundMethod: 'ORIGINAL_PAYMENT' },
      { key: 'open-1' },
    );
    expect(replay.body.id).toBe(opened.body.id);

    const portal = await http(platform.baseUrl, 'GET', `/api/returns/${opened.body.token}`);
    expect(portal.status).toBe(200);
    expect(portal.body).toMatchObject({
      status: 'APPROVED',
      nextAction: 'WAIT_FOR_LABEL',
      canCancel: true,
      labelUrl: null,
    });
    expect(portal.body.items).toEqual([
      expect.objectContaining({
        sku: 'TSHIRT-M',
        quantity: 1,
        reason: 'DOES_NOT_FIT',
        reasonText: 'Too small',
      }),
    ]);
    const stored = await platform.database.db
      .selectFrom('return_cases')
      .select('token_hash')
      .where('id', '=', opened.body.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(opened.body.token);
    expect((await http(platform.baseUrl, 'GET', `/api/returns/${'x'.repeat(32)}`)).status).toBe(404);
    expect(await eventTypes(opened.body.id)).toEqual(['return.opened', 'return.approved']);
  });

  it('never returns more of a line than is left, counting open cases but not cancelled ones', async () => {
    const order = await delivered();
    const first = await open({
      payToken: order.payToken,
      items: [tshirts(2)],
      refundMethod: 'WALLET_CREDIT',
    });
    expect(first.status).toBe(200);
    const again = await open({
      payToken: order.payToken,
      items: [tshirts(1)],
      refundMethod: 'WALLET_CREDIT',
    });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('return_item_invalid');
    expect(again.body.errors[0].field).toBe('items[0].quantity');
    const unknownLine = await open({
      payToken: order.payToken,
      items: [{ position: 9, quantity: 1, reason: 'OTHER' }],
      refundMethod: 'WALLET_CREDIT',
    });
    expect(unknownLine.body.errors[0].field).toBe('items[0].position');

    const cancelled = await http(platform.baseUrl, 'POST', `/api/returns/${first.body.token}/cancel`, {
      body: {},
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', canCancel: false, nextAction: 'NONE' });
    const afterCancel = await open({
      payToken: order.payToken,
      items: [tshirts(2)],
      refundMethod: 'WALLET_CREDIT',
    });
    expect(afterCancel.status).toBe(200);
  });

  it('refuses returns outside the window, of unpaid sessions, and by staff tokens', async () => {
    const late = await delivered({ deliveredDaysAgo: 15 });
    const closed = await open({
      payToken: late.payToken,
      items: [tshirts(1)],
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('return_window_closed');

    await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: late.merchant.token,
      body: { windowDays: 30 },
    });
    const wider = await open({
      payToken: late.payToken,
      items: [tshirts(1)],
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(wider.status).toBe(200);

    const merchant = await createTestMerchant(platform);
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    const unpaid = await open({
      payToken: payTokenOf(session.body.pay_url),
      items: [tshirts(1)],
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    expect(unpaid.body.code).toBe('return_not_returnable');
    const staff = await open(
      { payToken: late.payToken, items: [tshirts(1)], refundMethod: 'ORIGINAL_PAYMENT' },
      { token: merchant.token },
    );
    expect(staff.status).toBe(403);
  });

  it('lets a signed-in consumer open a return of their own parcel by session id only', async () => {
    const order = await delivered();
    const consumer = await signInTestConsumer(platform, order.email);
    const stranger = await signInTestConsumer(platform);
    const body = { sessionId: order.sessionId, items: [tshirts(1)], refundMethod: 'WALLET_CREDIT' };
    expect((await open(body, { token: stranger.token })).status).toBe(404);
    expect((await open(body)).status).toBe(401);
    const opened = await open(body, { token: consumer.token });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
  });

  it('waits for approval when the merchant requires it; only that merchant (or an operator) decides', async () => {
    const merchant = await createTestMerchant(platform);
    const settings = await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: merchant.token,
      body: { approvalRequired: true, walletBonusPercent: 10 },
    });
    expect(settings.body).toMatchObject({ approvalRequired: true, walletBonusPercent: 10, windowDays: 14 });
    const order = await delivered({ merchant });
    const opened = await open({
      payToken: order.payToken,
      items: [tshirts(1)],
      refundMethod: 'WALLET_CREDIT',
    });
    expect(opened.body.status).toBe('OPENED');

    const other = await createTestMerchant(platform);
    const path = `/api/returns/cases/${opened.body.id}`;
    expect((await http(platform.baseUrl, 'GET', path, { token: other.token })).status).toBe(404);
    expect(
      (await http(platform.baseUrl, 'POST', `${path}/approve`, { token: other.token, body: {} })).status,
    ).toBe(404);
    const rejected = await http(platform.baseUrl, 'POST', `${path}/reject`, {
      token: merchant.token,
      body: { reason: 'Worn' },
    });
    expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectReason: 'Worn' });
    const approve = await http(platform.baseUrl, 'POST', `${path}/approve`, {
      token: operator.token,
      body: {},
    });
    expect(approve.status).toBe(409);

    const list = await http(platform.baseUrl, 'GET', '/api/returns?status=REJECTED', {
      token: merchant.token,
    });
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([opened.body.id]);
    expect((await http(platform.baseUrl, 'GET', '/api/returns', { token: other.token })).body.items).toEqual(
      [],
    );
  });

  it('moves forward only: late and repeated scans are no-ops, cancelling after the label is refused', async () => {
    const order = await delivered();
    const opened = await open({
      payToken: order.payToken,
      items: [tshirts(1)],
      refundMethod: 'WALLET_CREDIT',
    });
    await labelled(opened.body.id);
    const loaded = await loadReturnCase(platform.database.db, opened.body.id);
    expect(loaded.consumerAddress).toMatchObject({ city: 'Amsterdam', email: order.email });
    expect(loaded.items).toEqual([
      expect.objectContaining({ sku: 'TSHIRT-M', quantity: 1, unitPriceMinor: 1999 }),
    ]);

    const portal = await http(platform.baseUrl, 'GET', `/api/returns/${opened.body.token}`);
    expect(portal.body).toMatchObject({ nextAction: 'DOWNLOAD_LABEL', canCancel: false });
    expect(portal.body.labelUrl).toContain(`/api/returns/${opened.body.token}/label`);
    const cancel = await http(platform.baseUrl, 'POST', `/api/returns/${opened.body.token}/cancel`, {
      body: {},
    });
    expect(cancel.status).toBe(409);

    const inTransit = await move(opened.body.id, 'IN_TRANSIT', 'carrier');
    expect(inTransit.status).toBe('IN_TRANSIT');
    const late = await move(opened.body.id, 'LABEL_CREATED', 'carrier', new Date(Date.now() - DAY_MS));
    expect(late.status).toBe('IN_TRANSIT');
    await expect(move(opened.body.id, 'REFUNDED', 'system')).rejects.toThrow(/cannot become REFUNDED/);
    expect(await eventTypes(opened.body.id)).toEqual([
      'return.opened',
      'return.approved',
      'return.label_created',
      'return.in_transit',
    ]);
  });

  it('credits the wallet once on RECEIVED, with the merchant-funded bonus as its own ledger line', async () => {
    const merchant = await createTestMerchant(platform);
    await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: merchant.token,
      body: { walletBonusPercent: 10, refundShipping: true },
    });
    const order = await delivered({ merchant });
    const opened = await open({
      payToken: order.payToken,
      items: [tshirts(2)],
      refundMethod: 'WALLET_CREDIT',
    });
    await labelled(opened.body.id);
    const scans = await Promise.all([
      move(opened.body.id, 'RECEIVED', 'carrier'),
      move(opened.body.id, 'RECEIVED', 'carrier'),
      move(opened.body.id, 'IN_TRANSIT', 'carrier'),
    ]);
    expect(scans.map((row) => row.status)).toContain('REFUNDED');
    const view = await http(platform.baseUrl, 'GET', `/api/returns/${opened.body.token}`);
    expect(view.body.refund).toMatchObject({
      method: 'WALLET_CREDIT',
      status: 'DONE',
      amountMinor: 2 * 1999 + 495,
      shippingMinor: 495,
      bonusMinor: Math.floor(((2 * 1999 + 495) * 10) / 100),
    });
    const credits = await platform.database.db
      .selectFrom('ledger_transfers')
      .select(['amount_minor', 'external_id'])
      .where('external_id', 'like', `%:${opened.body.id}`)
      .orderBy('amount_minor', 'desc')
      .execute();
    expect(credits.map((row) => row.amount_minor)).toEqual([4493, 449]);
    expect((await eventTypes(opened.body.id)).filter((type) => type === 'return.refunded')).toHaveLength(1);
  });

  it('refunds part of the card payment once through the PSP job, on merchant confirmation when so set', async () => {
    const merchant = await createTestMerchant(platform);
    await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: merchant.token,
      body: { refundTrigger: 'MERCHANT_CONFIRMATION' },
    });
    const order = await delivered({ merchant });
    const opened = await open({
      payToken: order.payToken,
      items: [{ position: 1, quantity: 1, reason: 'DEFECTIVE' }],
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    await labelled(opened.body.id);
    const received = await move(opened.body.id, 'RECEIVED', 'carrier');
    expect(received.status).toBe('RECEIVED');
    const before = await http(platform.baseUrl, 'GET', `/api/returns/${opened.body.token}`);
    expect(before.body).toMatchObject({ refund: null, nextAction: 'WAIT_FOR_REFUND' });

    const path = `/api/returns/cases/${opened.body.id}/confirm-received`;
    const confirms = await Promise.all([
      http(platform.baseUrl, 'POST', path, { token: merchant.token, body: {} }),
      http(platform.baseUrl, 'POST', path, { token: merchant.token, body: {} }),
    ]);
    expect(confirms.map((r) => r.status)).toEqual([200, 200]);
    const jobs = await sql<{ count: number }>`select count(*)::int as count from graphile_worker.jobs
      where task_identifier = 'returns.refund' and key = ${`returns.refund:${opened.body.id}`}`.execute(
      platform.database.db,
    );
    expect(jobs.rows[0]?.count).toBe(1);

    const runs = await Promise.all([
      refundReturnAtPsp(platform.database.db, platform.config, opened.body.id),
      refundReturnAtPsp(platform.database.db, platform.config, opened.body.id),
    ]);
    expect(runs.filter(Boolean)).toHaveLength(1);
    expect(await refundReturnAtPsp(platform.database.db, platform.config, opened.body.id)).toBe(false);
    const after = await http(platform.baseUrl, 'GET', `/api/returns/cases/${opened.body.id}`, {
      token: merchant.token,
    });
    expect(after.body).toMatchObject({ status: 'REFUNDED' });
    expect(after.body.refund).toMatchObject({ method: 'ORIGINAL_PAYMENT', amountMinor: 500, status: 'DONE' });
    const refund = await platform.database.db
      .selectFrom('return_refunds')
      .select(['psp', 'psp_refund_id'])
      .where('return_id', '=', opened.body.id)
      .executeTakeFirstOrThrow();
    expect(refund).toEqual({ psp: 'simulate', psp_refund_id: `sim_refund_return-${opened.body.id}` });
  });

  it('expires approved cases with no parcel handed in, and a late scan still revives them', async () => {
    const order = await delivered();
    const opened = await open({
      payToken: order.payToken,
      items: [tshirts(1)],
      refundMethod: 'WALLET_CREDIT',
    });
    const soon = await expireDueReturns(platform.database.db, new Date(Date.now() + DAY_MS));
    expect(soon).toBe(0);
    const expired = await expireDueReturns(platform.database.db, new Date(Date.now() + 15 * DAY_MS));
    expect(expired).toBeGreaterThanOrEqual(1);
    const view = await http(platform.baseUrl, 'GET', `/api/returns/${opened.body.token}`);
    expect(view.body.status).toBe('EXPIRED');
    expect((await move(opened.body.id, 'IN_TRANSIT', 'carrier')).status).toBe('IN_TRANSIT');
  });

  it('reads and sets settings: a merchant its own, an operator any merchant by id', async () => {
    const merchant = await createTestMerchant(platform);
    const own = await http(platform.baseUrl, 'GET', '/api/returns/settings', { token: merchant.token });
    expect(own.body).toMatchObject({
      windowDays: 14,
      approvalRequired: false,
      refundTrigger: 'RECEIVED',
      updatedAt: null,
    });
    const merchantId = own.body.merchantId;
    const address = {
      name: 'Shop Returns',
      addressLine1: 'Damrak 1',
      postalCode: '1012 LG',
      city: 'Amsterdam',
      country: 'NL',
    };
    const set = await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: operator.token,
      body: { merchantId, expiryDays: 7, returnAddress: address },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ expiryDays: 7, returnAddress: expect.objectContaining(address) });
    expect(
      (await http(platform.baseUrl, 'GET', '/api/returns/settings', { token: operator.token })).status,
    ).toBe(400);
    const other = await createTestMerchant(platform);
    const foreign = await http(platform.baseUrl, 'GET', `/api/returns/settings?merchantId=${merchantId}`, {
      token: other.token,
    });
    expect(foreign.status).toBe(404);
    const bad = await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: merchant.token,
      body: { walletBonusPercent: 101 },
    });
    expect(bad.status).toBe(400);
  });

  it('counts a card return and a wallet-credit return (with bonus) once in settlement and in the finance batch', async () => {
    const merchant = await createTestMerchant(platform);
    await http(platform.baseUrl, 'POST', '/api/returns/settings', {
      token: merchant.token,
      body: { walletBonusPercent: 10 },
    });
    const toWallet = await delivered({ merchant });
    const toCard = await delivered({ merchant });
    const credited = await open({
      payToken: toWallet.payToken,
      items: [tshirts(1)],
      refundMethod: 'WALLET_CREDIT',
    });
    const carded = await open({
      payToken: toCard.payToken,
      items: [{ position: 1, quantity: 1, reason: 'DEFECTIVE' }],
      refundMethod: 'ORIGINAL_PAYMENT',
    });
    for (const id of [credited.body.id, carded.body.id]) {
      await labelled(id);
      await move(id, 'RECEIVED', 'carrier');
    }
    expect(await refundReturnAtPsp(platform.database.db, platform.config, carded.body.id)).toBe(true);
    const { rows } = await sql<{ day: string }>`
      select (now() at time zone 'Europe/Amsterdam')::date::text as day`.execute(platform.database.db);
    const day = rows[0]?.day ?? '';

    const settlement = await http<Settlement>(
      platform.baseUrl,
      'GET',
      `/api/merchant-portal/ipay/settlement?from=${day}&to=${day}`,
      { token: merchant.token },
    );
    expect(settlement.status).toBe(200);
    const bonus = Math.floor((1999 * 10) / 100);
    const gross = 2 * (2 * 1999 + 500 + 495);
    expect(settlement.body).toMatchObject({
      order_count: 2,
      gross_minor: gross,
      refunds_minor: 1999 + bonus + 500,
      returns_minor: 1999 + bonus + 500,
      net_minor: gross - settlement.body.fees_minor - (1999 + bonus + 500),
    });
    expect(settlement.body.lines).toContainEqual({
      kind: 'returns',
      label: 'Returns',
      amount_minor: -(1999 + bonus + 500),
    });
    expect(settlement.body.lines).toContainEqual({ kind: 'refunds', label: 'Refunds', amount_minor: 0 });
    for (const field of [
      'order_count',
      'gross_minor',
      'refunds_minor',
      'returns_minor',
      'net_minor',
    ] as const) {
      expect(settlement.body.days.reduce((total, d) => total + d[field], 0)).toBe(settlement.body[field]);
    }

    const built = await platform.database.db
      .transaction()
      .execute((trx) => buildDailyBatch(trx, { day, triggeredBy: null, platformDefaultFeeMinor: 0 }));
    const entries = await platform.database.db
      .selectFrom('finance_batch_entries')
      .select(['entry_key', 'lines'])
      .where('batch_id', '=', built.batch?.id ?? '')
      .execute();
    const lines = (key: string) =>
      (entries.find((e) => e.entry_key === key)?.lines ?? []) as unknown as Array<{
        account_key: string;
        amount_minor: number;
      }>;
    for (const e of entries) {
      const entryLines = e.lines as unknown as Array<{ amount_minor: number }>;
      expect(entryLines.reduce((total, line) => total + line.amount_minor, 0)).toBe(0);
    }
    // Every return refund of the day (this file's other cases included) is booked once, from return_refunds.
    const done = await sql<{ method: string; amount: number; bonus: number }>`
      select method, sum(amount_minor)::int as amount, sum(bonus_minor)::int as bonus from return_refunds
      where status = 'DONE' and (completed_at at time zone 'Europe/Amsterdam')::date = ${day}::date
      group by method`.execute(platform.database.db);
    const of = (method: string) => done.rows.find((row) => row.method === method);
    expect(lines('return_refunds:simulate:EUR')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          account_key: 'merchant_payable',
          amount_minor: of('ORIGINAL_PAYMENT')?.amount,
        }),
      ]),
    );
    expect(of('ORIGINAL_PAYMENT')?.amount).toBeGreaterThanOrEqual(500);
    expect(lines('return_credits:EUR')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          account_key: 'wallet_liability',
          amount_minor: -(of('WALLET_CREDIT')?.amount ?? 0),
        }),
      ]),
    );
    expect(lines('return_bonuses:EUR')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          account_key: 'merchant_payable',
          amount_minor: of('WALLET_CREDIT')?.bonus,
        }),
      ]),
    );
    expect(of('WALLET_CREDIT')?.bonus).toBeGreaterThanOrEqual(bonus);
    // Not again as platform-funded wallet credits, nor as whole-payment refunds.
    expect(entries.map((e) => e.entry_key)).not.toContain('wallet_credits:refunds_payable:EUR');
    expect(entries.map((e) => e.entry_key)).not.toContain('wallet_credits:promotions:EUR');
    expect(entries.map((e) => e.entry_key)).not.toContain('refunds:simulate:EUR');
  });
});
