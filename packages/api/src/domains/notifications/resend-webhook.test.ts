import { randomBytes } from 'node:crypto';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createResendTestPlatform,
  createTestMerchant,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestReconciliations,
  deliverResendEvent,
  http,
  payTestOrder,
  resendEvent,
  resendWebhookSecret,
  runDoorCodeJob,
  runEmailJob,
  type TestPlatform,
} from '../../testing';
import { queueEmail } from './service';

describe('Resend delivery events', () => {
  let platform: TestPlatform;
  let secret: string;
  let close: () => Promise<void>;
  let operator: string;

  beforeAll(async () => {
    ({ platform, secret, close } = await createResendTestPlatform());
    operator = (await createTestPlatformAdmin(platform)).token;
  });
  afterAll(() => close());

  /** Signed with the platform's secret unless another is given (a forger's). */
  const deliver = (
    event: unknown,
    options: { id?: string; signedAt?: Date; secret?: string; base?: string } = {},
  ) => deliverResendEvent(options.base ?? platform.baseUrl, options.secret ?? secret, event, options);

  /** An e-mail queued and sent through the fake Resend: its outbox id and Resend's id for it. */
  async function sentEmail(): Promise<{ id: string; resendId: string }> {
    const id = await platform.database.db.transaction().execute((trx) =>
      queueEmail(trx, {
        to: `someone.${randomBytes(4).toString('hex')}@example.com`,
        subject: 'Hello',
        text: 'Hello.',
      }),
    );
    expect(await runEmailJob(platform, id)).toBe('sent');
    const row = await outboxRow(id);
    return { id, resendId: row.provider_message_id ?? '' };
  }

  const outboxRow = (id: string) =>
    platform.database.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  const storedEvents = (svixId: string) =>
    platform.database.db
      .selectFrom('email_delivery_events')
      .selectAll()
      .where('svix_id', '=', svixId)
      .execute();

  it('sets the delivery status of the e-mail Resend sent, once per svix id', async () => {
    const email = await sentEmail();
    const at = new Date(Date.now() - 60_000);
    const first = await deliver(resendEvent('email.delivered', email.resendId, at), {
      id: 'msg_delivered_1',
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, receipt: 'applied' });
    expect(await outboxRow(email.id)).toMatchObject({ delivery_status: 'delivered', delivery_status_at: at });

    const replay = await deliver(resendEvent('email.bounced', email.resendId, new Date()), {
      id: 'msg_delivered_1',
    });
    expect(replay.body).toEqual({ received: true, receipt: 'duplicate' });
    expect((await outboxRow(email.id)).delivery_status).toBe('delivered');
    expect(await storedEvents('msg_delivered_1')).toHaveLength(1);

    const outbox = await http(
      platform.baseUrl,
      'GET',
      `/api/admin/email-outbox?to=${encodeURIComponent((await outboxRow(email.id)).to)}`,
      {
        token: operator,
      },
    );
    expect(outbox.body.items[0]).toMatchObject({ id: email.id, deliveryStatus: 'delivered' });
  });

  it('orders by the event’s own time: a late older event joins the history without overwriting', async () => {
    const email = await sentEmail();
    const t0 = new Date(Date.now() - 120_000);
    const t1 = new Date(Date.now() - 60_000);
    const bounce = { type: 'Permanent', subType: 'General', message: 'mailbox does not exist' };
    expect((await deliver(resendEvent('email.bounced', email.resendId, t1, bounce))).body.receipt).toBe(
      'applied',
    );
    expect((await deliver(resendEvent('email.sent', email.resendId, t0))).body.receipt).toBe('stale');
    expect((await deliver(resendEvent('email.delivery_delayed', email.resendId, t0))).body.receipt).toBe(
      'stale',
    );
    expect(await outboxRow(email.id)).toMatchObject({
      delivery_status: 'bounced',
      delivery_status_at: t1,
      delivery_detail: 'Permanent/General: mailbox does not exist',
    });
    const complained = new Date(Date.now() - 1_000);
    expect((await deliver(resendEvent('email.complained', email.resendId, complained))).body.receipt).toBe(
      'applied',
    );
    expect((await outboxRow(email.id)).delivery_status).toBe('complained');
  });

  it('refuses forged, stale and unsigned events with a 401 and stores nothing', async () => {
    const email = await sentEmail();
    const event = resendEvent('email.bounced', email.resendId, new Date());
    const forged = await deliver(event, {
      id: 'msg_forged',
      secret: resendWebhookSecret(),
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect(forged.body.code).toBe('resend_signature_invalid');
    const stale = await deliver(event, { id: 'msg_stale', signedAt: new Date(Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(401);
    const unsigned = await http(platform.baseUrl, 'POST', '/api/webhooks/resend', { body: event });
    expect(unsigned.status).toBe(401);
    const tampered = await http(platform.baseUrl, 'POST', '/api/webhooks/resend', {
      rawBody: JSON.stringify({ ...event, type: 'email.delivered' }),
      headers: (() => {
        const signedAt = new Date();
        return {
          'content-type': 'application/json',
          'svix-id': 'msg_tampered',
          'svix-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
          'svix-signature': new Webhook(secret).sign('msg_tampered', signedAt, JSON.stringify(event)),
        };
      })(),
    });
    expect(tampered.status).toBe(401);
    for (const id of ['msg_forged', 'msg_stale', 'msg_tampered']) expect(await storedEvents(id)).toEqual([]);
    expect((await outboxRow(email.id)).delivery_status).toBeNull();
  });

  it('records an event for an e-mail it does not know, once, and ignores untracked types', async () => {
    const unknown = await deliver(resendEvent('email.delivered', 're_unknown_email', new Date()), {
      id: 'msg_unknown',
    });
    expect(unknown.body.receipt).toBe('unknown_email');
    expect(await storedEvents('msg_unknown')).toMatchObject([{ email_id: null }]);
    const opened = await deliver(resendEvent('email.opened', 're_unknown_email', new Date()), {
      id: 'msg_open',
    });
    expect(opened.body.receipt).toBe('ignored');
    const unsigned = await deliver({ type: 'email.delivered', data: {} });
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.errors[0].field).toBe('created_at');
  });

  it('shows a bounced door-code e-mail to the merchant on the order, and to no other merchant', async () => {
    const consumer = `consumer.${randomBytes(4).toString('hex')}@example.com`;
    const { merchant, orderId, sessionId } = await payTestOrder(platform, { email: consumer });
    expect(await runDoorCodeJob(platform, sessionId)).toBe(true);
    const before = await http(platform.baseUrl, 'GET', `/api/orders/${orderId}/emails`, {
      token: merchant.token,
    });
    expect(before.status).toBe(200);
    expect(before.body.items).toHaveLength(1);
    const [doorCode] = before.body.items;
    expect(doorCode).toMatchObject({ to: consumer, status: 'queued', deliveryStatus: null });

    expect(await runEmailJob(platform, doorCode.id)).toBe('sent');
    const resendId = (await outboxRow(doorCode.id)).provider_message_id ?? '';
    const at = new Date(Date.now() - 5_000);
    await deliver(resendEvent('email.sent', resendId, new Date(at.getTime() - 1_000)));
    await deliver(resendEvent('email.bounced', resendId, at, { type: 'Permanent', message: 'no such user' }));

    const after = await http(platform.baseUrl, 'GET', `/api/orders/${orderId}/emails`, {
      token: merchant.token,
    });
    expect(after.body.items[0]).toMatchObject({
      id: doorCode.id,
      status: 'sent',
      deliveryStatus: 'bounced',
      delivered: false,
      history: [
        { status: 'sent', detail: null },
        { status: 'bounced', detail: 'Permanent: no such user', occurredAt: at.toISOString() },
      ],
    });
    const other = await createTestMerchant(platform, 'Other Shop BV');
    const foreign = await http(platform.baseUrl, 'GET', `/api/orders/${orderId}/emails`, {
      token: other.token,
    });
    expect(foreign.status).toBe(404);
  });

  it('marks a bounced carrier statement as not delivered in the aging report', async () => {
    const cc = `R${Date.now().toString(36).toUpperCase().slice(-5)}`;
    const { importId, ids } = await createTestReconciliations(platform.database.db, {
      carrier: cc,
      lines: [{ status: 'MISMATCH', billedMinor: 1_500, expectedMinor: 1_200, causes: ['weight'] }],
    });
    const calls = platform.caller({ token: operator }).carrierStatements;
    await calls.setBillingContact({ cc, email: `billing@${cc.toLowerCase()}.example` });
    await calls.requestCredit({ cc, id: ids[0] ?? '', reason: 'Billed 5 kg, the parcel weighed 2.5 kg' });
    const sent = await calls.send({ cc, import_id: importId });
    expect(await runEmailJob(platform, sent.emailId)).toBe('sent');
    const report = () =>
      http(platform.baseUrl, 'GET', `/api/admin/carrier-statements/aging-report?carrier=${cc}`, {
        token: operator,
      });
    expect((await report()).body.statements[0]).toMatchObject({ emailDelivery: null, notDelivered: false });

    const resendId = (await outboxRow(sent.emailId)).provider_message_id ?? '';
    await deliver(resendEvent('email.bounced', resendId, new Date(), { type: 'Permanent' }));
    const aged = (await report()).body;
    expect(aged.statements[0]).toMatchObject({
      id: sent.statement.id,
      emailDelivery: 'bounced',
      notDelivered: true,
    });
    expect(aged.rows[0]).toMatchObject({ carrier: cc, statements: 1, notDelivered: 1 });
    const statement = await calls.statement({ cc, import_id: importId });
    expect(statement.log.at(-1)).toMatchObject({
      action: 'sent',
      emailId: sent.emailId,
      emailDelivery: 'bounced',
    });
  });

  it('answers 503 naming RESEND_WEBHOOK_SECRET when it is not set', async () => {
    const bare = await createTestPlatform();
    try {
      const answer = await deliver(resendEvent('email.delivered', 're_x', new Date()), {
        base: bare.baseUrl,
      });
      expect(answer.status).toBe(503);
      expect(answer.body.detail).toContain('RESEND_WEBHOOK_SECRET');
      expect(await bare.database.db.selectFrom('email_delivery_events').select('svix_id').execute()).toEqual(
        [],
      );
    } finally {
      await bare.close();
    }
  });
});
