import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appErrorOf,
  createStripeTestPlatform,
  createTestPaymentSession,
  createTestPlatform,
  createTestPlatformAdmin,
  deliverStripeEvent,
  http,
  payTestOrder,
  stripeCheckoutCompleted,
  type FakeServer,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import { buildDailyBatch } from '../finance/service/build';
import { refundPaymentPart } from '../payments/service/refund';
import type { Settlement } from '../settlement/schemas';
import { refundReturnAtPsp } from './service/psp-refund';
import { transitionReturn } from './service/transitions';

/** The default order (2 × 19.99 T-shirt, 1 × 5.00 socks, 4.95 shipping); a return of the socks refunds 500. */
const ORDER_TOTAL = 4993;
const SOCKS = 500;

interface PaidSession {
  merchant: AuthSession;
  sessionId: string;
  payToken: string;
}

/**
 * A partial card return, then the same payment refunded whole, on a platform whose sessions `pay` pays; `sent`
 * reads what reached the PSP per refund (amount and idempotency key), so each test checks the PSP saw each
 * cent once.
 */
function refundScenarios(setup: {
  platform: () => TestPlatform;
  pay: () => Promise<PaidSession>;
  sent: (sessionId: string) => Promise<Array<{ amount: number; key: string }>>;
  psp: string;
}) {
  const db = () => setup.platform().database.db;

  /** A return of the socks, opened by the consumer on the pay page's token. */
  async function openedReturn(
    paid: PaidSession,
    refundMethod: 'ORIGINAL_PAYMENT' | 'WALLET_CREDIT' = 'ORIGINAL_PAYMENT',
  ): Promise<string> {
    const opened = await setup
      .platform()
      .caller({})
      .returns.open({
        payToken: paid.payToken,
        items: [{ position: 1, quantity: 1, reason: 'DEFECTIVE' }],
        refundMethod,
      });
    return opened.id;
  }

  /** The carrier's RECEIVED scan: the case's refund is decided (a PSP part waits for its job). */
  async function receive(returnId: string): Promise<void> {
    await db()
      .transaction()
      .execute((trx) =>
        transitionReturn(trx, { returnId, to: 'RECEIVED', occurredAt: new Date(), source: 'carrier' }),
      );
  }

  async function receivedReturn(
    paid: PaidSession,
    refundMethod: 'ORIGINAL_PAYMENT' | 'WALLET_CREDIT' = 'ORIGINAL_PAYMENT',
  ): Promise<string> {
    const returnId = await openedReturn(paid, refundMethod);
    // The scan delivered twice: one refund row, one job.
    await receive(returnId);
    await receive(returnId);
    return returnId;
  }

  async function returnRefund(returnId: string) {
    return db()
      .selectFrom('return_refunds')
      .innerJoin('return_cases', 'return_cases.id', 'return_refunds.return_id')
      .select(['return_refunds.status', 'return_refunds.amount_minor', 'return_cases.status as case_status'])
      .where('return_id', '=', returnId)
      .executeTakeFirstOrThrow();
  }

  async function refundWhole(paid: PaidSession): Promise<void> {
    const admin = await createTestPlatformAdmin(setup.platform());
    const refunded = await setup
      .platform()
      .caller({ token: admin.token })
      .paymentSessions.refund({ id: paid.sessionId, reason: 'order cancelled' });
    expect(refunded.status).toBe('REFUNDED');
  }

  async function refundedReturn(paid: PaidSession): Promise<string> {
    const returnId = await receivedReturn(paid);
    // The job run twice at once, then once more.
    const runs = await Promise.all([
      refundReturnAtPsp(db(), setup.platform().config, returnId),
      refundReturnAtPsp(db(), setup.platform().config, returnId),
    ]);
    expect(runs.filter(Boolean)).toHaveLength(1);
    expect(await refundReturnAtPsp(db(), setup.platform().config, returnId)).toBe(false);
    return returnId;
  }

  it(`refunds a return to the ${setup.psp} payment with its amount and key, once however often it runs`, async () => {
    const paid = await setup.pay();
    const returnId = await refundedReturn(paid);
    expect(await setup.sent(paid.sessionId)).toEqual([{ amount: SOCKS, key: `return-${returnId}` }]);
    const refund = await db()
      .selectFrom('return_refunds')
      .select(['status', 'psp', 'amount_minor'])
      .where('return_id', '=', returnId)
      .executeTakeFirstOrThrow();
    expect(refund).toEqual({ status: 'DONE', psp: setup.psp, amount_minor: SOCKS });
  });

  it('after a partial return, refunds only the rest of the sale, and refuses more than is left', async () => {
    const paid = await setup.pay();
    await refundedReturn(paid);
    const admin = await createTestPlatformAdmin(setup.platform());
    const operator = setup.platform().caller({ token: admin.token });

    const refunded = await operator.paymentSessions.refund({ id: paid.sessionId, reason: 'order cancelled' });
    expect(refunded.status).toBe('REFUNDED');
    const sent = await setup.sent(paid.sessionId);
    expect(sent.map((refund) => refund.amount)).toEqual([SOCKS, ORDER_TOTAL - SOCKS]);
    const payment = await db()
      .selectFrom('payments')
      .select(['amount_minor', 'refunded_minor'])
      .where('session_id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    expect(payment).toEqual({ amount_minor: ORDER_TOTAL, refunded_minor: ORDER_TOTAL - SOCKS });
    const event = await db()
      .selectFrom('domain_events')
      .select('payload')
      .where('type', '=', 'session.refunded')
      .where('resource_id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    expect(event.payload).toMatchObject({ amountMinor: ORDER_TOTAL - SOCKS });

    const again = await appErrorOf(operator.paymentSessions.refund({ id: paid.sessionId }));
    expect([again.status, again.code]).toEqual([409, 'nothing_to_refund']);
    const part = refundPaymentPart(db(), setup.platform().config, {
      sessionId: paid.sessionId,
      amountMinor: 100,
      idempotencyKey: `late-return-${paid.sessionId}`,
    });
    await expect(part).rejects.toMatchObject({
      status: 409,
      code: 'refund_exceeds_payment',
      detail: expect.stringMatching(/refund of 100 EUR .* more than the 0 left .* 4993 of its 4993/),
    });
    expect(await setup.sent(paid.sessionId)).toHaveLength(2);
  });

  it('counts a return and the rest refunded after it once in settlement and in the finance batch', async () => {
    const paid = await setup.pay();
    await refundedReturn(paid);
    const admin = await createTestPlatformAdmin(setup.platform());
    await setup.platform().caller({ token: admin.token }).paymentSessions.refund({ id: paid.sessionId });
    const { rows } = await sql<{ day: string }>`
      select (now() at time zone 'Europe/Amsterdam')::date::text as day`.execute(db());
    const day = rows[0]?.day ?? '';

    const settlement = await http<Settlement>(
      setup.platform().baseUrl,
      'GET',
      `/api/merchant-portal/ipay/settlement?from=${day}&to=${day}`,
      { token: paid.merchant.token },
    );
    expect(settlement.status).toBe(200);
    expect(settlement.body).toMatchObject({
      gross_minor: ORDER_TOTAL,
      refunds_minor: ORDER_TOTAL,
      returns_minor: SOCKS,
      net_minor: ORDER_TOTAL - settlement.body.fees_minor - ORDER_TOTAL,
    });
    expect(settlement.body.lines).toContainEqual({
      kind: 'refunds',
      label: 'Refunds',
      amount_minor: -(ORDER_TOTAL - SOCKS),
    });
    expect(settlement.body.lines).toContainEqual({ kind: 'returns', label: 'Returns', amount_minor: -SOCKS });

    // The books of the day hold every refund this file's tests sent through the PSP, each once.
    const built = await db()
      .transaction()
      .execute((trx) => buildDailyBatch(trx, { day, triggeredBy: null, platformDefaultFeeMinor: 0 }));
    const entries = await db()
      .selectFrom('finance_batch_entries')
      .select(['entry_key', 'lines'])
      .where('batch_id', '=', built.batch?.id ?? '')
      .execute();
    const booked = entries
      .filter((e) => [`refunds:${setup.psp}:EUR`, `return_refunds:${setup.psp}:EUR`].includes(e.entry_key))
      .flatMap((e) => e.lines as unknown as Array<{ account_key: string; amount_minor: number }>)
      .filter((line) => line.account_key === 'merchant_payable')
      .reduce((total, line) => total + line.amount_minor, 0);
    const { total } = await db()
      .selectFrom('payment_refunds')
      .innerJoin('payments', 'payments.id', 'payment_refunds.payment_id')
      .select(sql<number>`sum(payment_refunds.amount_minor)::int`.as('total'))
      .where('payments.psp', '=', setup.psp)
      .where('payment_refunds.psp_refund_id', 'is not', null)
      .executeTakeFirstOrThrow();
    expect(total).toBeGreaterThanOrEqual(ORDER_TOTAL);
    expect(booked).toBe(total);
  });

  it('refunds a return decided before the session is refunded whole: the whole refund leaves its part', async () => {
    const paid = await setup.pay();
    const returnId = await receivedReturn(paid);
    await refundWhole(paid);
    expect((await setup.sent(paid.sessionId)).map((refund) => refund.amount)).toEqual([ORDER_TOTAL - SOCKS]);

    expect(await refundReturnAtPsp(db(), setup.platform().config, returnId)).toBe(true);
    const payment = await db()
      .selectFrom('payments')
      .select('id')
      .where('session_id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    // In the order sent (Stripe) or recorded (the simulator: the return's part was recorded first).
    const sent = await setup.sent(paid.sessionId);
    expect(sent).toHaveLength(2);
    expect(sent).toEqual(
      expect.arrayContaining([
        { amount: ORDER_TOTAL - SOCKS, key: `whole-${payment.id}` },
        { amount: SOCKS, key: `return-${returnId}` },
      ]),
    );
    expect(await returnRefund(returnId)).toEqual({
      status: 'DONE',
      amount_minor: SOCKS,
      case_status: 'REFUNDED',
    });
  });

  it('gives a return nothing when the session was refunded whole before it was received', async () => {
    const paid = await setup.pay();
    const returnId = await openedReturn(paid);
    await refundWhole(paid);
    await receive(returnId);
    expect(await refundReturnAtPsp(db(), setup.platform().config, returnId)).toBe(false);
    expect((await setup.sent(paid.sessionId)).map((refund) => refund.amount)).toEqual([ORDER_TOTAL]);
    expect(await returnRefund(returnId)).toEqual({
      status: 'DONE',
      amount_minor: 0,
      case_status: 'REFUNDED',
    });
  });

  it('leaves a return credited to the wallet out of a whole refund after it', async () => {
    const paid = await setup.pay();
    const returnId = await receivedReturn(paid, 'WALLET_CREDIT');
    expect(await returnRefund(returnId)).toEqual({
      status: 'DONE',
      amount_minor: SOCKS,
      case_status: 'REFUNDED',
    });
    await refundWhole(paid);
    expect((await setup.sent(paid.sessionId)).map((refund) => refund.amount)).toEqual([ORDER_TOTAL - SOCKS]);
    const payment = await db()
      .selectFrom('payments')
      .select('refunded_minor')
      .where('session_id', '=', paid.sessionId)
      .executeTakeFirstOrThrow();
    expect(payment.refunded_minor).toBe(ORDER_TOTAL - SOCKS);
  });
}

describe('card refunds after returns, through Stripe', () => {
  let platform: TestPlatform;
  let fakeStripe: FakeServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ platform, fakeStripe, close } = await createStripeTestPlatform());
  });
  afterAll(() => close());

  refundScenarios({
    platform: () => platform,
    psp: 'stripe',
    async pay() {
      const { merchant, session, token } = await createTestPaymentSession(platform);
      const intent = `pi_${crypto.randomUUID()}`;
      const paid = await deliverStripeEvent(
        platform,
        stripeCheckoutCompleted(session.ipay_reference_18, { intent }),
      );
      expect(paid.status).toBe(200);
      return { merchant, sessionId: session.id, payToken: token };
    },
    async sent(sessionId) {
      const payment = await platform.database.db
        .selectFrom('payments')
        .select('psp_payment_id')
        .where('session_id', '=', sessionId)
        .executeTakeFirstOrThrow();
      return fakeStripe.requests
        .filter((r) => r.path === '/v1/refunds')
        .map((r) => ({ form: new URLSearchParams(r.body), key: String(r.headers['idempotency-key']) }))
        .filter(({ form }) => form.get('payment_intent') === payment.psp_payment_id)
        .map(({ form, key }) => ({
          amount: Number(form.get('amount')),
          key: key.replace(/^ipay-refund-/, ''),
        }));
    },
  });
});

describe('card refunds after returns, through the payment simulator', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  refundScenarios({
    platform: () => platform,
    psp: 'simulate',
    async pay() {
      const paid = await payTestOrder(platform, { email: `returner-${crypto.randomUUID()}@example.com` });
      const session = await platform.database.db
        .selectFrom('payment_sessions')
        .select('pay_token')
        .where('id', '=', paid.sessionId)
        .executeTakeFirstOrThrow();
      return { merchant: paid.merchant, sessionId: paid.sessionId, payToken: session.pay_token };
    },
    async sent(sessionId) {
      const rows = await platform.database.db
        .selectFrom('payment_refunds')
        .innerJoin('payments', 'payments.id', 'payment_refunds.payment_id')
        .select(['payment_refunds.amount_minor', 'payment_refunds.idempotency_key'])
        .where('payments.session_id', '=', sessionId)
        .where('payment_refunds.psp_refund_id', 'is not', null)
        .orderBy('payment_refunds.created_at')
        .execute();
      return rows.map((row) => ({ amount: row.amount_minor, key: row.idempotency_key }));
    },
  });
});
