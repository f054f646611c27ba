import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  http,
  orderBody,
  payTokenOf,
  signInTestConsumer,
  uniqueEmail,
  type TestPlatform,
} from '../../testing';
import type { AuthSession } from '../auth/schemas';
import { consumerParcelStatus } from '../payment-sessions/service/consumer-parcels';

describe("the consumer's parcels", () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  async function order(merchant: AuthSession, email: string, options: { session?: boolean } = {}) {
    const base = orderBody();
    const created = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: { ...base, customer: { ...base.customer, email } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    if (!options.session) return { order: created.body, session: undefined };
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${created.body.id}/create-session`, {
      token: merchant.token,
    });
    expect(session.status).toBe(200);
    return { order: created.body, session: session.body };
  }

  it("lists every merchant's orders for the verified address, with their status and the pay link where payment is due", async () => {
    const consumer = await signInTestConsumer(platform);
    const shop = await createTestMerchant(platform);
    const otherShop = await createTestMerchant(platform);
    const operator = await createTestPlatformAdmin(platform);
    const moveParcel = async (sessionId: string, status: string) => {
      const moved = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${sessionId}/parcel-status`, {
        token: operator.token,
        body: { status },
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    };

    const open = await order(shop, consumer.email);
    const due = await order(shop, consumer.email, { session: true });
    const paid = await order(otherShop, consumer.email.toUpperCase(), { session: true });
    await http(platform.baseUrl, 'POST', `/api/session/${payTokenOf(paid.session.pay_url)}/start-payment`, {
      body: {},
    });
    const onItsWay = await order(shop, consumer.email, { session: true });
    await http(
      platform.baseUrl,
      'POST',
      `/api/session/${payTokenOf(onItsWay.session.pay_url)}/start-payment`,
      {
        body: {},
      },
    );
    await moveParcel(onItsWay.session.id, 'PICKED_UP');
    const returned = await order(shop, consumer.email, { session: true });
    await moveParcel(returned.session.id, 'PICKED_UP');
    await moveParcel(returned.session.id, 'RETURNED_TO_SENDER');
    const cancelled = await order(shop, consumer.email);
    const cancel = await http(platform.baseUrl, 'POST', `/api/orders/${cancelled.order.id}/cancel`, {
      token: shop.token,
      body: { reason: 'out of stock' },
    });
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    await order(shop, uniqueEmail('someone-else'), { session: true });

    const listed = await http(platform.baseUrl, 'GET', '/api/consumer/parcels', { token: consumer.token });
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.items.map((item: { id: string }) => [item.id, item]));
    expect([...byId.keys()].sort()).toEqual(
      [open, due, paid, onItsWay, returned].map((entry) => entry.order.id).sort(),
    );
    expect(byId.get(open.order.id)).toMatchObject({
      status: 'pending',
      pay_url: null,
      payment_reference: null,
      session_id: null,
      amount_due_minor: null,
    });
    expect(byId.get(due.order.id)).toMatchObject({
      status: 'pending',
      pay_url: due.session.pay_url,
      payment_reference: due.session.ipay_reference_18,
      session_id: due.session.id,
      amount_due_minor: due.order.total_minor,
      amount_minor: due.order.total_minor,
      currency: 'EUR',
    });
    expect(byId.get(paid.order.id)).toMatchObject({
      status: 'paid',
      pay_url: null,
      amount_due_minor: null,
      merchant_name: expect.any(String),
    });
    expect(byId.get(paid.order.id)).not.toMatchObject({
      merchant_name: (byId.get(due.order.id) as { merchant_name: string }).merchant_name,
    });
    expect(byId.get(onItsWay.order.id)).toMatchObject({ status: 'in_delivery', pay_url: null });
    expect(byId.get(returned.order.id)).toMatchObject({ status: 'returned', pay_url: null });
    expect(listed.body.nextCursor).toBeNull();

    // Newest first, one page at a time.
    const firstPage = await platform.caller({ token: consumer.token }).consumer.parcels({ limit: 2 });
    const secondPage = await platform
      .caller({ token: consumer.token })
      .consumer.parcels({ limit: 2, cursor: firstPage.nextCursor ?? undefined });
    expect(firstPage.items.map((item) => item.id)).toEqual([returned.order.id, onItsWay.order.id]);
    expect(secondPage.items.map((item) => item.id)).toEqual([paid.order.id, due.order.id]);
  });

  it('shows a consumer with no orders an empty list, and nobody without a consumer token anything', async () => {
    const consumer = await signInTestConsumer(platform);
    const shop = await createTestMerchant(platform);
    await order(shop, uniqueEmail('not-them'));
    const listed = await http(platform.baseUrl, 'GET', '/api/consumer/parcels', { token: consumer.token });
    expect(listed.body).toEqual({ items: [], nextCursor: null });
    const staff = await http(platform.baseUrl, 'GET', '/api/consumer/parcels', { token: shop.token });
    expect(staff.status).toBe(401);
    const bad = await http(platform.baseUrl, 'GET', '/api/consumer/parcels?cursor=nonsense', {
      token: consumer.token,
    });
    expect(bad.status).toBe(400);
  });

  it('maps order and session states to what the consumer is told', () => {
    const session = (status: string, parcel: string | null = null) =>
      ({ status, parcel_status: parcel }) as Parameters<typeof consumerParcelStatus>[1];
    expect(consumerParcelStatus('OPEN', null)).toBe('pending');
    expect(consumerParcelStatus('PAYMENT_PENDING', session('PENDING_PAYMENT', 'IN_DELIVERY'))).toBe(
      'pending',
    );
    expect(consumerParcelStatus('PAYMENT_PENDING', session('EXPIRED'))).toBe('pending');
    expect(consumerParcelStatus('PAID', session('PAID'))).toBe('paid');
    expect(consumerParcelStatus('PAID', session('PAID', 'IN_DELIVERY'))).toBe('in_delivery');
    expect(consumerParcelStatus('RELEASED', session('RELEASED', 'IN_DELIVERY'))).toBe('in_delivery');
    expect(consumerParcelStatus('DELIVERED', session('DELIVERED', 'DELIVERED'))).toBe('delivered');
    expect(consumerParcelStatus('PAID', session('REFUNDED'))).toBe('refunded');
    expect(consumerParcelStatus('RETURNED', session('PENDING_PAYMENT', 'RETURNED_TO_SENDER'))).toBe(
      'returned',
    );
    expect(consumerParcelStatus('PAID', session('PAID', 'RETURNED_TO_SENDER'))).toBe('returned');
  });
});
