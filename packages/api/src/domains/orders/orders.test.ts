import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  http,
  orderBody,
  type TestPlatform,
} from '../../testing';
import { getActor } from '../auth/service';
import { CreateOrderInput } from './schemas';
import { createOrders } from './service';

describe('orders', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  it('creates a batch as one order at a time would: created, existing, refused, one event per created order', async () => {
    const merchant = await createTestMerchant(platform);
    const { db } = platform.database;
    const actor = await getActor(db, {
      userId: merchant.user.id,
      organizationId: merchant.user.organization.id,
    });
    if (!actor) throw new Error('the merchant has no actor');
    const first = CreateOrderInput.parse(orderBody());
    const inputs = [
      first,
      CreateOrderInput.parse(orderBody()),
      first, // the same order again in the same batch
      { ...first, shipping_minor: first.shipping_minor + 1 }, // another order under a used reference
      CreateOrderInput.parse(orderBody({ total_minor: 1 })), // inconsistent total
    ];
    const outcomes = await db
      .transaction()
      .execute((trx) => createOrders(trx, { actor, scope: 'organization', inputs }));
    expect(outcomes.map((o) => (o.ok ? (o.created ? 'created' : 'existing') : o.error.kind))).toEqual([
      'created',
      'created',
      'existing',
      'conflict',
      'validation_failed',
    ]);
    const [created, , again] = outcomes;
    expect(again?.ok && created?.ok && again.order).toEqual(created?.ok && created.order);
    const listed = await http(platform.baseUrl, 'GET', `/api/orders/${created?.ok ? created.order.id : ''}`, {
      token: merchant.token,
    });
    expect(listed.body).toEqual(created?.ok && { ...created.order, parcels: [] });
    const events = await db
      .selectFrom('domain_events')
      .select('resource_id')
      .where('type', '=', 'order.created')
      .where('organization_id', '=', merchant.user.organization.id)
      .execute();
    expect(events).toHaveLength(2);
  });

  it('computes totals server-side and names an inconsistent total', async () => {
    const merchant = await createTestMerchant(platform);
    const wrong = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody({ total_minor: 5000 }),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      expect.objectContaining({
        field: 'total_minor',
        code: 'inconsistent_total',
        message: expect.stringContaining('make 4993'),
      }),
    ]);
    const right = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody({ total_minor: 4993 }),
    });
    expect(right.body.total_minor).toBe(4993);
    expect(right.body.items.map((i: { line_total_minor: number }) => i.line_total_minor)).toEqual([
      3998, 500,
    ]);
  });

  it('takes an order-level discount off the total, and refuses one larger than the order', async () => {
    const merchant = await createTestMerchant(platform);
    const discounted = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody({ discount_minor: 1000, total_minor: 3993 }),
    });
    expect(discounted.status).toBe(200);
    expect(discounted.body).toMatchObject({
      items_total_minor: 4498,
      shipping_minor: 495,
      discount_minor: 1000,
      total_minor: 3993,
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${discounted.body.id}/create-session`, {
      token: merchant.token,
    });
    expect(session.body.amount_minor).toBe(3993);

    const mismatched = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody({ discount_minor: 1000, total_minor: 4993 }),
    });
    expect(mismatched.body.errors).toEqual([
      expect.objectContaining({
        field: 'total_minor',
        message: expect.stringContaining('minus the discount (1000) make 3993'),
      }),
    ]);
    const tooLarge = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody({ discount_minor: 5000 }),
    });
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.errors).toEqual([
      expect.objectContaining({ field: 'discount_minor', code: 'too_big' }),
    ]);
    const orders = await platform.database.db
      .selectFrom('orders')
      .select('id')
      .where('merchant_id', '=', merchant.user.organization.id)
      .execute();
    expect(orders).toHaveLength(1);
  });

  it('names every invalid field of an order', async () => {
    const merchant = await createTestMerchant(platform);
    const body = orderBody({
      currency: 'EURO',
      carrier_code: '!',
      items: [{ sku: '', name: 'x', quantity: 0, unit_price_minor: 12.5 }],
    }) as Record<string, any>;
    body.customer = {
      ...body.customer,
      email: 'not-mail',
      address: { ...body.customer.address, country: 'XX' },
    };
    const res = await http(platform.baseUrl, 'POST', '/api/orders', { token: merchant.token, body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      [
        'carrier_code',
        'currency',
        'customer.address.country',
        'customer.email',
        'items.0.quantity',
        'items.0.sku',
        'items.0.unit_price_minor',
      ].sort(),
    );
    const count = await platform.database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('merchant_id', '=', merchant.user.organization.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('treats a repeated merchant reference as a retry, and a different order under it as a conflict', async () => {
    const merchant = await createTestMerchant(platform);
    const body = orderBody();
    const first = await http(platform.baseUrl, 'POST', '/api/orders', { token: merchant.token, body });
    const retry = await http(platform.baseUrl, 'POST', '/api/orders', { token: merchant.token, body });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const different = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: { ...body, shipping_minor: 0 },
    });
    expect(different.status).toBe(409);
    expect(different.body.code).toBe('reference_taken');
    expect(different.body.errors[0].field).toBe('merchant_reference');
    const other = await createTestMerchant(platform);
    const sameReferenceElsewhere = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: other.token,
      body,
    });
    expect(sameReferenceElsewhere.status).toBe(200);
    expect(sameReferenceElsewhere.body.id).not.toBe(first.body.id);
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select('type')
      .where('resource_id', '=', first.body.id)
      .execute();
    expect(events).toEqual([{ type: 'order.created' }]);
  });

  it('creates an order sent several times at once exactly once, its items and one numbered event with it', async () => {
    const merchant = await createTestMerchant(platform);
    const body = orderBody();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        http(platform.baseUrl, 'POST', '/api/orders', { token: merchant.token, body }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const fetched = await http(platform.baseUrl, 'GET', `/api/orders/${id}`, { token: merchant.token });
    // The read adds the shipment's parcels, which a new order does not have yet.
    expect(fetched.body).toEqual({ ...answers[0]?.body, parcels: [] });
    expect(fetched.body.items).toHaveLength(body.items.length);
    const events = await platform.database.db
      .selectFrom('domain_events')
      .select(['type', 'sequence', 'stream_position', 'payload'])
      .where('organization_id', '=', merchant.user.organization.id)
      .where('type', 'like', 'order.%')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'order.created', sequence: 1, payload: { orderId: id } });
    expect(Number(events[0]?.stream_position)).toBeGreaterThan(0);
  });

  it('lists newest first with status, date and text filters, page by page', async () => {
    const merchant = await createTestMerchant(platform);
    const created = [];
    for (const name of ['Bram Bakker', 'Cees Claes', 'Dirk Dekker']) {
      const body = orderBody({
        customer: { ...orderBody().customer, name, email: `${name.split(' ')[0]!.toLowerCase()}@example.nl` },
      });
      created.push(
        (await http(platform.baseUrl, 'POST', '/api/orders', { token: merchant.token, body })).body,
      );
    }
    const page1 = await http(platform.baseUrl, 'GET', '/api/orders?limit=2', { token: merchant.token });
    const page2 = await http(platform.baseUrl, 'GET', `/api/orders?limit=2&cursor=${page1.body.nextCursor}`, {
      token: merchant.token,
    });
    expect([...page1.body.items, ...page2.body.items].map((o: { id: string }) => o.id)).toEqual(
      created.map((o) => o.id).reverse(),
    );
    expect(page2.body.nextCursor).toBeNull();

    const byEmail = await http(platform.baseUrl, 'GET', '/api/orders?q=cees@', { token: merchant.token });
    expect(byEmail.body.items.map((o: { id: string }) => o.id)).toEqual([created[1].id]);
    const byReference = await http(
      platform.baseUrl,
      'GET',
      `/api/orders?q=${created[2].merchant_reference}`,
      { token: merchant.token },
    );
    expect(byReference.body.items).toHaveLength(1);
    await http(platform.baseUrl, 'POST', `/api/orders/${created[0].id}/cancel`, {
      token: merchant.token,
      body: { reason: 'customer called' },
    });
    const cancelled = await http(platform.baseUrl, 'GET', '/api/orders?status=CANCELLED', {
      token: merchant.token,
    });
    expect(cancelled.body.items.map((o: { id: string }) => o.id)).toEqual([created[0].id]);
    const future = await http(
      platform.baseUrl,
      'GET',
      `/api/orders?created_from=${new Date(Date.now() + 60_000).toISOString()}`,
      { token: merchant.token },
    );
    expect(future.body.items).toEqual([]);
  });

  it('never shows or touches another merchant’s orders and sessions', async () => {
    const a = await createTestMerchant(platform);
    const b = await createTestMerchant(platform);
    const order = await http(platform.baseUrl, 'POST', '/api/orders', { token: a.token, body: orderBody() });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: a.token,
    });
    const attempts = [
      ['GET', `/api/orders/${order.body.id}`],
      ['POST', `/api/orders/${order.body.id}/cancel`],
      ['POST', `/api/orders/${order.body.id}/create-session`],
      ['GET', `/api/payment-sessions/${session.body.id}`],
      ['POST', `/api/payment-sessions/${session.body.id}/parcel-status`],
    ] as const;
    for (const [method, path] of attempts) {
      const res = await http(platform.baseUrl, method, path, {
        token: b.token,
        body: method === 'POST' ? { status: 'PICKED_UP' } : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await http(platform.baseUrl, 'GET', '/api/orders', { token: b.token })).body.items).toEqual([]);
    expect(
      (await http(platform.baseUrl, 'GET', '/api/payment-sessions', { token: b.token })).body.items,
    ).toEqual([]);
    const admin = await createTestPlatformAdmin(platform);
    const all = await http(platform.baseUrl, 'GET', `/api/payment-sessions?limit=200`, {
      token: admin.token,
    });
    expect(all.body.items.map((s: { id: string }) => s.id)).toContain(session.body.id);
  });

  it('cancels an unpaid order, not a paid one', async () => {
    const merchant = await createTestMerchant(platform);
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const cancelled = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/cancel`, {
      token: merchant.token,
      body: { reason: 'duplicate' },
    });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancel_reason: 'duplicate' });
    expect(
      (
        await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
          token: merchant.token,
        })
      ).status,
    ).toBe(409);

    const paidOrder = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${paidOrder.body.id}/create-session`, {
      token: merchant.token,
    });
    const token = new URL(session.body.pay_url).pathname.split('/').pop()!;
    await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, { body: {} });
    const refused = await http(platform.baseUrl, 'POST', `/api/orders/${paidOrder.body.id}/cancel`, {
      token: merchant.token,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('order_not_cancellable');
  });

  it('cancels the pending payment session with its order, so the pay link stops working', async () => {
    const merchant = await createTestMerchant(platform);
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/cancel`, { token: merchant.token });
    const token = new URL(session.body.pay_url).pathname.split('/').pop()!;
    expect((await http(platform.baseUrl, 'GET', `/api/session/${token}`)).status).toBe(404);
    const detail = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${session.body.id}`, {
      token: merchant.token,
    });
    expect(detail.body.status).toBe('CANCELLED');
  });

  it('keeps order creation to merchants with the permission', async () => {
    const merchant = await createTestMerchant(platform);
    const clerk = await createTestUser(platform, merchant.user.organization.id, ['merchant_user']);
    expect(
      (await http(platform.baseUrl, 'POST', '/api/orders', { token: clerk.token, body: orderBody() })).status,
    ).toBe(200);
    const admin = await createTestPlatformAdmin(platform);
    expect(
      (await http(platform.baseUrl, 'POST', '/api/orders', { token: admin.token, body: orderBody() })).status,
    ).toBe(403);
  });

  it('serves the CSV template with every upload column and an example row', async () => {
    const merchant = await createTestMerchant(platform);
    const res = await fetch(`${platform.baseUrl}/api/orders/sample.csv`, {
      headers: { authorization: `Bearer ${merchant.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ipay-orders-sample.csv"');
    const [header, example, ...rest] = parse(await res.text(), {}) satisfies string[][];
    expect(header).toContain('merchant_reference');
    expect(example).toHaveLength(header!.length);
    expect(rest).toEqual([]);
    expect((await fetch(`${platform.baseUrl}/api/orders/sample.csv`)).status).toBe(401);
  });
});
