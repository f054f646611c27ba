import type { Config } from '@ipay/api';
import {
  createTestPlatform,
  createTestSponsor,
  http,
  iqpayOrderBody,
  type TestPlatform,
} from '@ipay/api/testing';
import { sql } from 'kysely';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const CREATE = '/organization/Sponsor/Order/CreateOrderWithMember';

describe('benefit-card delivery, as a sponsor drives it', () => {
  let platform: TestPlatform;
  const receivers: WebhookReceiver[] = [];
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    platform = await createTestPlatform({
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        LOGIN_RATE_LIMIT: '1000',
        PUBLIC_URL: 'https://cards.example',
      },
    });
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(() => platform.close());

  const db = () => platform.database.db;
  const runQueue = (config: Config = platform.config) =>
    runDueJobsOnce({
      db: db(),
      pool: platform.database.pool,
      logger,
      config,
      encryptionKey: platform.deps.encryptionKey,
    });

  /** Makes every scheduled card-delivery retry and held order due now, as time passing would. */
  async function moveClockPastRetries() {
    await sql`update benefit_card_deliveries set next_attempt_at = now() where status = 'pending'`.execute(
      db(),
    );
    await sql`update graphile_worker._private_jobs set run_at = now()`.execute(db());
  }

  async function receiver() {
    const started = await startWebhookReceiver();
    receivers.push(started);
    return started;
  }

  async function signIn(username: string): Promise<string> {
    const res = await http(platform.baseUrl, 'POST', '/identity/Auth/SignIn', {
      body: { username, password: 'correct horse battery staple' },
    });
    expect(res.status).toBe(200);
    return res.body.token;
  }

  it('delivers the documented, signed webhook payload; a 200 marks the card delivered', async () => {
    const hooks = await receiver();
    const sponsor = await createTestSponsor(platform, {
      channel: 'webhook',
      webhookUrl: hooks.url('/iqpay'),
    });
    const token = await signIn(sponsor.adminUsername);
    const body = iqpayOrderBody(sponsor, { externalTransactionId: 'TXN-2024-00001' });
    const created = await http(platform.baseUrl, 'POST', CREATE, { token, body });
    expect(created.status).toBe(200);

    await runQueue();
    expect(hooks.received).toHaveLength(1);
    const [request] = hooks.received;
    const payload = new Webhook(sponsor.webhookSecret ?? '').verify(request!.body, request!.headers);
    const code = (payload as { activation_code: { code: string } }).activation_code.code;
    expect(payload).toEqual({
      activation_code: { url: `https://cards.example/card/${code}`, code, status: '' },
      member: {
        first_name: 'Jane',
        last_name: 'Smith',
        email: 'member@example.com',
        phone_number: '5551234567',
        external_id: 'EXT-MBR-12345',
      },
      external_transaction_id: 'TXN-2024-00001',
    });
    expect(code).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){4}$/);

    const order = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${created.body.id}`, {
      token,
    });
    expect(order.body.cards[0].deliveryStatus).toBe('delivered');
    expect(order.body.cards[0].events.map((e: { type: string }) => e.type)).toEqual(['issued', 'delivered']);
  });

  it('signs with the old and the new secret for a day after a rotation, then with the new one only', async () => {
    const hooks = await receiver();
    const sponsor = await createTestSponsor(platform, { channel: 'webhook', webhookUrl: hooks.url() });
    const rotated = await http(
      platform.baseUrl,
      'POST',
      `/api/benefit-cards/programs/${sponsor.programId}/rotate-webhook-secret`,
      { token: sponsor.operatorToken },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.body.webhookSecret).not.toBe(sponsor.webhookSecret);
    const sealed = await db()
      .selectFrom('benefit_programs')
      .select('webhook_secret_encrypted')
      .where('id', '=', sponsor.programId)
      .executeTakeFirstOrThrow();
    expect(sealed.webhook_secret_encrypted).not.toContain(rotated.body.webhookSecret.slice(6));

    await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor),
    });
    await runQueue();
    const during = hooks.received[0]!;
    expect(() => new Webhook(sponsor.webhookSecret ?? '').verify(during.body, during.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.webhookSecret).verify(during.body, during.headers)).not.toThrow();

    await sql`update benefit_programs set previous_webhook_secret_expires_at = now() - interval '1 second'
              where id = ${sponsor.programId}`.execute(db());
    await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor),
    });
    await runQueue();
    const after = hooks.received[1]!;
    expect(() => new Webhook(rotated.body.webhookSecret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(sponsor.webhookSecret ?? '').verify(after.body, after.headers)).toThrow();

    const notWebhook = await createTestSponsor(platform, { channel: 'email' });
    const refused = await http(
      platform.baseUrl,
      'POST',
      `/api/benefit-cards/programs/${notWebhook.programId}/rotate-webhook-secret`,
      { token: notWebhook.operatorToken },
    );
    expect(refused.status).toBe(409);
    const bySponsor = await http(
      platform.baseUrl,
      'POST',
      `/api/benefit-cards/programs/${sponsor.programId}/rotate-webhook-secret`,
      { token: sponsor.adminToken },
    );
    expect(bySponsor.status).toBe(403);
  });

  it('retries a webhook answered 500 (and a non-200 2xx) with backoff, logging every attempt', async () => {
    const hooks = await receiver();
    const sponsor = await createTestSponsor(platform, { channel: 'webhook', webhookUrl: hooks.url() });
    hooks.respondWith({ status: 500 }, { status: 202 });
    const created = await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor),
    });

    await runQueue();
    const pending = await db()
      .selectFrom('benefit_card_deliveries')
      .innerJoin('benefit_cards', 'benefit_cards.id', 'benefit_card_deliveries.card_id')
      .select([
        'benefit_card_deliveries.id',
        'benefit_card_deliveries.status',
        'benefit_card_deliveries.next_attempt_at',
      ])
      .where('benefit_cards.order_id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(pending.status).toBe('pending');
    const delay = (pending.next_attempt_at?.getTime() ?? 0) - Date.now();
    expect(delay).toBeGreaterThan(20_000);
    await runQueue();
    expect(hooks.received).toHaveLength(1);

    await moveClockPastRetries();
    await runQueue();
    await moveClockPastRetries();
    await runQueue();
    expect(hooks.received).toHaveLength(3);
    expect(new Set(hooks.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([pending.id]));
    const attempts = await db()
      .selectFrom('benefit_card_delivery_attempts')
      .select(['attempt_number', 'status_code'])
      .where('delivery_id', '=', pending.id)
      .orderBy('attempt_number')
      .execute();
    expect(attempts).toEqual([
      { attempt_number: 1, status_code: 500 },
      { attempt_number: 2, status_code: 202 },
      { attempt_number: 3, status_code: 200 },
    ]);
    const order = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${created.body.id}`, {
      token: sponsor.userToken,
    });
    expect(order.body.cards[0].deliveryStatus).toBe('delivered');
  });

  it('e-mails the activation link through the e-mail outbox', async () => {
    const sponsor = await createTestSponsor(platform, { channel: 'email' });
    const email = `mail-${Date.now()}@example.com`;
    const created = await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor, { email }),
    });
    await runQueue();
    const outbox = await http(platform.baseUrl, 'GET', `/api/admin/email-outbox?to=${email}`, {
      token: sponsor.operatorToken,
    });
    expect(outbox.body.items).toHaveLength(1);
    expect(outbox.body.items[0].text).toMatch(/https:\/\/cards\.example\/card\/[A-Z0-9-]{24}/);
    const order = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${created.body.id}`, {
      token: sponsor.userToken,
    });
    expect(order.body.cards[0].deliveryStatus).toBe('delivered');
  });

  it('texts +<phoneCountryCode><phone> into the SMS outbox without a gateway', async () => {
    const sponsor = await createTestSponsor(platform, { channel: 'sms' });
    const created = await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor, { phone: '5550001111' }),
    });
    await runQueue();
    const outbox = await http(platform.baseUrl, 'GET', '/api/benefit-cards/sms-outbox?to=%2B15550001111', {
      token: sponsor.operatorToken,
    });
    expect(outbox.body.items).toHaveLength(1);
    expect(outbox.body.items[0]).toMatchObject({ to: '+15550001111', status: 'queued' });
    const order = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${created.body.id}`, {
      token: sponsor.userToken,
    });
    expect(order.body.cards[0].deliveryStatus).toBe('delivered');
  });

  it('sends SMS through the MessageBird gateway when configured', async () => {
    const gateway = await receiver();
    gateway.respondWith({
      status: 201,
      headers: { 'content-type': 'application/json' },
      body: '{"id":"mb-123"}',
    });
    const sponsor = await createTestSponsor(platform, { channel: 'sms' });
    await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor, { phone: '5550002222' }),
    });
    await runQueue({
      ...platform.config,
      sms: { apiUrl: gateway.url(''), apiKey: 'test-key', originator: 'IPAY' },
    });
    expect(gateway.received).toHaveLength(1);
    expect(gateway.received[0]!.path).toBe('/messages');
    expect(gateway.received[0]!.headers.authorization).toBe('AccessKey test-key');
    expect(JSON.parse(gateway.received[0]!.body)).toMatchObject({
      originator: 'IPAY',
      recipients: ['15550002222'],
    });
    const sms = await db()
      .selectFrom('sms_outbox')
      .selectAll()
      .where('to', '=', '+15550002222')
      .executeTakeFirstOrThrow();
    expect(sms).toMatchObject({ status: 'sent', provider_message_id: 'mb-123' });
  });

  it('retries an SMS the gateway could not take, and fails one it refuses at once with its reason', async () => {
    const gateway = await receiver();
    const smsConfig = {
      ...platform.config,
      sms: { apiUrl: gateway.url(''), apiKey: 'test-key', originator: 'IPAY' },
    };
    const sponsor = await createTestSponsor(platform, { channel: 'sms' });
    const cardOf = async (phone: string) => {
      const created = await http(platform.baseUrl, 'POST', CREATE, {
        token: sponsor.adminToken,
        body: iqpayOrderBody(sponsor, { phone }),
      });
      return db()
        .selectFrom('benefit_card_deliveries')
        .innerJoin('benefit_cards', 'benefit_cards.id', 'benefit_card_deliveries.card_id')
        .select(['benefit_card_deliveries.id', 'benefit_cards.id as card_id'])
        .where('benefit_cards.order_id', '=', created.body.id)
        .executeTakeFirstOrThrow();
    };
    const deliveryState = (id: string) =>
      db()
        .selectFrom('benefit_card_deliveries')
        .innerJoin('benefit_cards', 'benefit_cards.id', 'benefit_card_deliveries.card_id')
        .select([
          'benefit_card_deliveries.status',
          'benefit_card_deliveries.last_error',
          'benefit_cards.delivery_status',
        ])
        .where('benefit_card_deliveries.id', '=', id)
        .executeTakeFirstOrThrow();

    // Down for a moment: kept in the outbox with the error, retried, then sent once.
    gateway.respondWith(
      { status: 503, body: 'upstream unavailable' },
      { status: 201, headers: { 'content-type': 'application/json' }, body: '{"id":"mb-retried"}' },
    );
    const retried = await cardOf('5550003333');
    await runQueue(smsConfig);
    expect(await deliveryState(retried.id)).toMatchObject({ status: 'pending', delivery_status: 'pending' });
    const waiting = await db()
      .selectFrom('sms_outbox')
      .select(['status', 'last_error'])
      .where('id', '=', retried.id)
      .executeTakeFirstOrThrow();
    expect(waiting).toEqual({ status: 'queued', last_error: 'The SMS gateway answered 503.' });
    await moveClockPastRetries();
    await runQueue(smsConfig);
    expect(await deliveryState(retried.id)).toMatchObject({
      status: 'succeeded',
      delivery_status: 'delivered',
    });
    const sent = await db()
      .selectFrom('sms_outbox')
      .select(['status', 'provider_message_id'])
      .where('to', '=', '+15550003333')
      .execute();
    expect(sent).toEqual([{ status: 'sent', provider_message_id: 'mb-retried' }]);

    // A number the gateway refuses: failed now, with MessageBird's own words, and not sent again.
    gateway.respondWith({
      status: 422,
      headers: { 'content-type': 'application/json' },
      body: '{"errors":[{"code":9,"description":"no (correct) recipients found","parameter":"recipient"}]}',
    });
    const refused = await cardOf('5550004444');
    await runQueue(smsConfig);
    expect(await deliveryState(refused.id)).toEqual({
      status: 'failed',
      last_error: 'The SMS gateway answered 422: no (correct) recipients found (recipient)',
      delivery_status: 'failed',
    });
    const requestsSoFar = gateway.received.length;
    await moveClockPastRetries();
    await runQueue(smsConfig);
    expect(gateway.received).toHaveLength(requestsSoFar);
    const events = await db()
      .selectFrom('benefit_card_events')
      .select(['type', 'detail'])
      .where('card_id', '=', refused.card_id)
      .execute();
    expect(events).toContainEqual({
      type: 'delivery_failed',
      detail: 'SMS to +15550004444: The SMS gateway answered 422: no (correct) recipients found (recipient)',
    });
  });

  it('holds a scheduled order until its date, then processes and delivers it', async () => {
    const hooks = await receiver();
    const sponsor = await createTestSponsor(platform, { channel: 'webhook', webhookUrl: hooks.url() });
    const processingDate = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const created = await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor, { processingDate }),
    });
    await runQueue();
    expect(hooks.received).toHaveLength(0);
    const held = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${created.body.id}`, {
      token: sponsor.userToken,
    });
    expect(held.body.status).toBe('scheduled');

    // The date arrives: the held job's run_at is now.
    await sql`update graphile_worker._private_jobs set run_at = now() where key = ${`benefit-order:${created.body.id}`}`.execute(
      db(),
    );
    await runQueue();
    await runQueue();
    expect(hooks.received).toHaveLength(1);
    const done = await http(platform.baseUrl, 'GET', `/api/benefit-cards/orders/${created.body.id}`, {
      token: sponsor.userToken,
    });
    expect(done.body).toMatchObject({ status: 'processed' });
    expect(done.body.cards[0].deliveryStatus).toBe('delivered');
  });

  it('never delivers a scheduled order cancelled before its date', async () => {
    const hooks = await receiver();
    const sponsor = await createTestSponsor(platform, { channel: 'webhook', webhookUrl: hooks.url() });
    const created = await http(platform.baseUrl, 'POST', CREATE, {
      token: sponsor.adminToken,
      body: iqpayOrderBody(sponsor, { processingDate: new Date(Date.now() + 86_400_000).toISOString() }),
    });
    const cancel = await http(
      platform.baseUrl,
      'POST',
      `/api/benefit-cards/orders/${created.body.id}/cancel`,
      {
        token: sponsor.adminToken,
      },
    );
    expect(cancel.status).toBe(200);
    await moveClockPastRetries();
    await runQueue();
    expect(hooks.received).toHaveLength(0);
  });
});
