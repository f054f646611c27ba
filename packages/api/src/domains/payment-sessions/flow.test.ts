import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestMerchant,
  createTestPaymentSession,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestPartner,
  createTestPartnerUser,
  http,
  orderBody,
  payOnPayPage,
  runDoorCodeJob,
  payTokenOf,
  type TestPlatform,
} from '../../testing';

describe('pay on delivery, end to end over HTTP (simulated payment)', () => {
  let platform: TestPlatform;
  let driverToken: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    const carrier = await createTestPartner(platform, ['POSTNL']);
    driverToken = (await createTestPartnerUser(platform, carrier.id, 'driver')).token;
  });
  afterAll(() => platform.close());

  /** Pays as the consumer's browser does (the pay page's form), then reads the code with that browser's cookie. */
  async function paidSession() {
    const created = await createTestPaymentSession(platform);
    const { cookie } = await payOnPayPage(platform, created.token);
    const view = await http(platform.baseUrl, 'GET', `/api/session/${created.token}`, {
      headers: { cookie },
    });
    return { ...created, otp: view.body.otp_4 as string };
  }

  it('walks order → session → consumer payment → OTP at the door → delivered', async () => {
    const merchant = await createTestMerchant(platform, 'Fietsen BV');
    const order = await http(platform.baseUrl, 'POST', '/api/orders', {
      token: merchant.token,
      body: orderBody(),
    });
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      status: 'OPEN',
      items_total_minor: 4498,
      shipping_minor: 495,
      total_minor: 4993,
    });

    const session = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      status: 'PENDING_PAYMENT',
      amount_minor: 4993,
      currency: 'EUR',
      created: true,
    });
    expect(BigInt(session.body.ipay_reference_18) % 97n).toBe(1n);
    expect(session.body.pay_url).toMatch(new RegExp(`^${platform.config.publicUrl}/pay/[A-Za-z0-9_-]{43}$`));
    expect(session.body.qr_png_data_url).toMatch(/^data:image\/png;base64,/);

    const again = await http(platform.baseUrl, 'POST', `/api/orders/${order.body.id}/create-session`, {
      token: merchant.token,
    });
    expect(again.body).toMatchObject({
      id: session.body.id,
      ipay_reference_18: session.body.ipay_reference_18,
      created: false,
    });

    const token = payTokenOf(session.body.pay_url);
    const before = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(before.body).toEqual({
      merchant_name: merchant.user.organization.name,
      ipay_reference_18: session.body.ipay_reference_18,
      amount_minor: 4993,
      amount_due_minor: 4993,
      wallet_minor: 0,
      currency: 'EUR',
      items: [
        { name: 'T-shirt M', quantity: 2 },
        { name: 'Socks', quantity: 1 },
      ],
      status: 'PENDING_PAYMENT',
      parcel_status: null,
      expires_at: session.body.expires_at,
      delivered_at: null,
      otp_4: null,
      otp_sent_to: null,
      last_payment_failed: false,
      payment_options: ['simulate'],
    });

    const paid = await http(platform.baseUrl, 'POST', `/api/session/${token}/start-payment`, { body: {} });
    expect(paid.body).toEqual({ psp: 'simulate', status: 'PAID', redirect_url: null });
    // Holding the link is not enough to see the door code: it went to the consumer's e-mail instead.
    const after = await http(platform.baseUrl, 'GET', `/api/session/${token}`);
    expect(after.body).toMatchObject({
      status: 'PAID',
      otp_4: null,
      otp_sent_to: { email: 'a***@example.nl', phone: null },
    });
    expect(await runDoorCodeJob(platform, session.body.id)).toBe(true);
    const admin = await createTestPlatformAdmin(platform);
    const outbox = await http(platform.baseUrl, 'GET', '/api/admin/email-outbox?to=anna@example.nl', {
      token: admin.token,
    });
    const mail = (outbox.body.items as Array<{ subject: string; text: string }>).find((m) =>
      m.text.includes(session.body.ipay_reference_18),
    );
    expect(mail?.subject).toBe(`Je deurcode voor je pakket van ${merchant.user.organization.name}`);
    const otp = /deurcode is ([0-9]{4})\./.exec(mail?.text ?? '')?.[1] ?? '';
    expect(otp).toMatch(/^[0-9]{4}$/);

    const merchantView = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${session.body.id}`, {
      token: merchant.token,
    });
    expect(JSON.stringify(merchantView.body)).not.toContain(`"${otp}"`);

    const released = await http(platform.baseUrl, 'POST', '/api/driver/verify-otp', {
      token: driverToken,
      body: { ipay_reference_18: session.body.ipay_reference_18, otp_4: otp },
    });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ session_id: session.body.id, status: 'RELEASED' });
    expect(JSON.stringify(released.body)).not.toContain(otp);

    for (const status of ['PICKED_UP', 'IN_DELIVERY', 'DELIVERED']) {
      const moved = await http(
        platform.baseUrl,
        'POST',
        `/api/payment-sessions/${session.body.id}/parcel-status`,
        {
          token: driverToken,
          body: { status },
        },
      );
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.parcel_status).toBe(status);
    }

    const detail = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${session.body.id}`, {
      token: merchant.token,
    });
    expect(detail.body.status).toBe('DELIVERED');
    expect(detail.body.events.map((e: { type: string }) => e.type)).toEqual([
      'session.created',
      'session.payment_started',
      'session.paid',
      'session.otp_verified',
      'parcel.status_changed',
      'parcel.status_changed',
      'parcel.status_changed',
      'parcel.delivered',
    ]);
    expect(detail.body.events.map((e: { sequence: number }) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(detail.body.payments).toEqual([
      expect.objectContaining({
        psp: 'simulate',
        status: 'succeeded',
        amount_minor: 4993,
        needs_refund: false,
      }),
    ]);
    const finalOrder = await http(platform.baseUrl, 'GET', `/api/orders/${order.body.id}`, {
      token: merchant.token,
    });
    expect(finalOrder.body.status).toBe('DELIVERED');
  });

  it('locks OTP entry after five wrong codes until an operator unlocks it', async () => {
    const { session, otp } = await paidSession();
    const wrong = otp === '0000' ? '1111' : '0000';
    const attempt = (code: string) =>
      http(platform.baseUrl, 'POST', '/api/driver/verify-otp', {
        token: driverToken,
        body: { ipay_reference_18: session.ipay_reference_18, otp_4: code },
      });
    for (const left of [4, 3, 2, 1]) {
      const res = await attempt(wrong);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('otp_wrong');
      expect(res.body.detail).toBe(`Wrong code; ${left} attempt(s) left.`);
    }
    for (const code of [wrong, otp]) {
      const locked = await attempt(code);
      expect(locked.status).toBe(423);
      expect(locked.body.code).toBe('otp_locked');
    }

    const admin = await createTestPlatformAdmin(platform);
    const unlocked = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/unlock-otp`, {
      token: admin.token,
    });
    expect(unlocked.body).toEqual({ unlocked: true });
    expect((await attempt(otp)).status).toBe(200);
  });

  it('checks the reference’s check digits before any lookup, and refuses unpaid sessions', async () => {
    const badDigits = await http(platform.baseUrl, 'POST', '/api/driver/verify-otp', {
      token: driverToken,
      body: { ipay_reference_18: '123456789012345678', otp_4: '1234' },
    });
    expect(badDigits.status).toBe(400);
    expect(badDigits.body.errors[0].field).toBe('ipay_reference_18');

    const { session } = await createTestPaymentSession(platform);
    const unpaid = await http(platform.baseUrl, 'POST', '/api/driver/verify-otp', {
      token: driverToken,
      body: { ipay_reference_18: session.ipay_reference_18, otp_4: '1234' },
    });
    expect(unpaid.status).toBe(409);
  });

  it('refuses OTP checks from users without the driver permission', async () => {
    const { merchant, session, otp } = await paidSession();
    const res = await http(platform.baseUrl, 'POST', '/api/driver/verify-otp', {
      token: merchant.token,
      body: { ipay_reference_18: session.ipay_reference_18, otp_4: otp },
    });
    expect(res.status).toBe(403);
  });

  it('rejects illegal parcel moves with 409 and changes nothing', async () => {
    const { session } = await paidSession();
    const skip = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/parcel-status`, {
      token: driverToken,
      body: { status: 'IN_DELIVERY' },
    });
    expect(skip.status).toBe(409);
    for (const status of ['PICKED_UP', 'IN_DELIVERY']) {
      await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/parcel-status`, {
        token: driverToken,
        body: { status },
      });
    }
    const deliverUnreleased = await http(
      platform.baseUrl,
      'POST',
      `/api/payment-sessions/${session.id}/parcel-status`,
      {
        token: driverToken,
        body: { status: 'DELIVERED' },
      },
    );
    expect(deliverUnreleased.status).toBe(409);
    expect(deliverUnreleased.body.detail).toContain('verify the consumer');
    const failedWithoutReason = await http(
      platform.baseUrl,
      'POST',
      `/api/payment-sessions/${session.id}/parcel-status`,
      {
        token: driverToken,
        body: { status: 'DELIVERY_FAILED' },
      },
    );
    expect(failedWithoutReason.status).toBe(400);
    expect(failedWithoutReason.body.errors[0].field).toBe('reason');
    const failed = await http(platform.baseUrl, 'POST', `/api/payment-sessions/${session.id}/parcel-status`, {
      token: driverToken,
      body: { status: 'DELIVERY_FAILED', reason: 'nobody home' },
    });
    expect(failed.body).toMatchObject({
      parcel_status: 'DELIVERY_FAILED',
      parcel_status_reason: 'nobody home',
      status: 'PAID',
    });
    const returned = await http(
      platform.baseUrl,
      'POST',
      `/api/payment-sessions/${session.id}/parcel-status`,
      {
        token: driverToken,
        body: { status: 'RETURNED_TO_SENDER' },
      },
    );
    expect(returned.body.parcel_status).toBe('RETURNED_TO_SENDER');
  });
});
