import {
  createTestPlatform,
  createTestPartner,
  createTestPartnerUser,
  createTestPlatformAdmin,
  getStreamTicket,
  http,
  openTestEventStream,
  orderBody,
  payTokenOf,
  startFakeStripe,
  type FakeServer,
  type TestEventStream,
  type TestPlatform,
} from '@ipay/api/testing';
import {
  EVENT_CATALOGUE,
  isEventType,
  isSubscribableEventType,
  webhookEnvelope,
} from '@ipay/api/event-catalogue';
import pino from 'pino';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueJobsOnce } from './runner';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver';

const STRIPE_WEBHOOK_SECRET = 'whsec_e2e_pay_on_delivery';

describe('pay on delivery, the whole way, as merchant, consumer and driver see it', () => {
  let platform: TestPlatform;
  let fakeStripe: FakeServer;
  let receiver: WebhookReceiver;
  let driverToken: string;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    fakeStripe = await startFakeStripe();
    receiver = await startWebhookReceiver();
    platform = await createTestPlatform({
      env: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        STRIPE_SECRET_KEY: 'sk_test_e2e',
        STRIPE_WEBHOOK_SECRET,
        STRIPE_API_URL: fakeStripe.url,
      },
    });
    const carrier = await createTestPartner(platform, ['POSTNL']);
    driverToken = (await createTestPartnerUser(platform, carrier.id, 'driver')).token;
  });
  afterAll(async () => {
    await platform.close();
    await receiver.close();
    await fakeStripe.close();
  });

  const post = (path: string, token: string | undefined, body?: unknown) =>
    http(platform.baseUrl, 'POST', path, { token, body });

  /** Runs the job queue until the receiver has the webhook, as the worker would. */
  async function deliveredWebhook(
    endpoint: { path: string; secret: string },
    type: string,
    resourceId: string,
  ) {
    const verifier = new Webhook(endpoint.secret);
    for (let pass = 0; pass < 5; pass++) {
      await runDueJobsOnce({
        db: platform.database.db,
        pool: platform.database.pool,
        logger,
        config: platform.config,
        encryptionKey: platform.deps.encryptionKey,
      });
      for (const request of receiver.received.filter((r) => r.path === endpoint.path)) {
        const payload = verifier.verify(request.body, request.headers) as {
          type: string;
          data: { resourceId: string };
        };
        if (payload.type === type && payload.data.resourceId === resourceId) return payload;
      }
    }
    throw new Error(`no verified ${type} webhook for ${resourceId}`);
  }

  async function merchantWithEndpointAndStream(): Promise<{
    token: string;
    endpoint: { path: string; secret: string };
    stream: TestEventStream;
  }> {
    const email = `e2e-${crypto.randomUUID()}@shop.example`;
    const registered = await post('/api/auth/register', undefined, {
      organizationName: 'E2E Fietsen BV',
      name: 'Eva Eindhoven',
      email,
      password: 'end to end passphrase',
    });
    const token = registered.body.token as string;
    const path = `/ipay/${crypto.randomUUID()}`;
    const endpoint = await post('/api/webhook-endpoints', token, { url: receiver.url(path) });
    expect(endpoint.status).toBe(200);
    const stream = await openTestEventStream(platform.baseUrl, {
      token: await getStreamTicket(platform.baseUrl, token),
    });
    return { token, endpoint: { path, secret: endpoint.body.secret as string }, stream };
  }

  async function orderWithSession(token: string) {
    const order = await post('/api/orders', token, orderBody());
    const session = await post(`/api/orders/${order.body.id}/create-session`, token);
    expect(session.body.status).toBe('PENDING_PAYMENT');
    const payToken = payTokenOf(session.body.pay_url);
    expect((await http(platform.baseUrl, 'GET', `/api/session/${payToken}`)).body.amount_minor).toBe(4993);
    return { order: order.body, session: session.body, payToken };
  }

  /**
   * The door code as the consumer gets it: the worker sends it by e-mail once the session is paid (holding the pay
   * link is not enough to read it; only the browser that paid on the pay page sees it there).
   */
  async function doorCodeFromEmail(reference: string, payToken: string): Promise<string> {
    expect((await http(platform.baseUrl, 'GET', `/api/session/${payToken}`)).body.otp_4).toBeNull();
    const admin = await createTestPlatformAdmin(platform);
    for (let pass = 0; pass < 5; pass++) {
      await runDueJobsOnce({
        db: platform.database.db,
        pool: platform.database.pool,
        logger,
        config: platform.config,
        encryptionKey: platform.deps.encryptionKey,
      });
      const outbox = await http(
        platform.baseUrl,
        'GET',
        '/api/admin/email-outbox?to=anna@example.nl&limit=200',
        {
          token: admin.token,
        },
      );
      const mail = (outbox.body.items as Array<{ text: string }>).find((m) => m.text.includes(reference));
      const code = /([0-9]{4})\.\n/.exec(mail?.text ?? '')?.[1];
      if (code) return code;
    }
    throw new Error(`no door code e-mail for ${reference}`);
  }

  async function releaseAndDeliver(sessionId: string, reference: string, payToken: string) {
    const otp = await doorCodeFromEmail(reference, payToken);
    const released = await post('/api/driver/verify-otp', driverToken, {
      ipay_reference_18: reference,
      otp_4: otp,
    });
    expect(released.body.status).toBe('RELEASED');
    for (const status of ['PICKED_UP', 'IN_DELIVERY', 'DELIVERED']) {
      expect(
        (await post(`/api/payment-sessions/${sessionId}/parcel-status`, driverToken, { status })).status,
      ).toBe(200);
    }
  }

  it('with a simulated payment', async () => {
    const { token, endpoint, stream } = await merchantWithEndpointAndStream();
    try {
      const { session, payToken } = await orderWithSession(token);
      const paid = await post(`/api/session/${payToken}/start-payment`, undefined, { psp: 'simulate' });
      expect(paid.body.status).toBe('PAID');

      const webhook = await deliveredWebhook(endpoint, 'session.paid', session.id);
      expect(webhook.data).toMatchObject({
        ipayReference: session.ipay_reference_18,
        status: 'PAID',
        psp: 'simulate',
      });
      await stream.until(
        () => stream.events.some((e) => e.event === 'session.paid'),
        'session.paid on the stream',
      );

      await releaseAndDeliver(session.id, session.ipay_reference_18, payToken);
      await deliveredWebhook(endpoint, 'parcel.delivered', session.id);
      await stream.until(
        () => stream.events.some((e) => e.event === 'parcel.delivered'),
        'parcel.delivered on the stream',
      );
      const types = stream.events.filter((e) => e.data.resourceId === session.id).map((e) => e.event);
      expect(types).toEqual([
        'session.created',
        'session.payment_started',
        'session.paid',
        'session.otp_verified',
        'parcel.status_changed',
        'parcel.status_changed',
        'parcel.status_changed',
        'parcel.delivered',
      ]);
    } finally {
      stream.close();
    }
  });

  it('with Stripe Checkout and a signed checkout.session.completed', async () => {
    const { token, endpoint, stream } = await merchantWithEndpointAndStream();
    try {
      const { session, payToken } = await orderWithSession(token);
      const started = await post(`/api/session/${payToken}/start-payment`, undefined, { psp: 'stripe' });
      expect(started.body.redirect_url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
      const checkout = new URLSearchParams(fakeStripe.requests.at(-1)!.body);
      expect(checkout.get('metadata[ipay_reference]')).toBe(session.ipay_reference_18);

      const event = JSON.stringify({
        id: `evt_${crypto.randomUUID()}`,
        object: 'event',
        type: 'checkout.session.completed',
        data: {
          object: {
            id: 'cs_test_e2e',
            object: 'checkout.session',
            payment_status: 'paid',
            payment_intent: `pi_${crypto.randomUUID()}`,
            amount_total: 4993,
            currency: 'eur',
            payment_method_types: ['ideal'],
            metadata: { ipay_reference: session.ipay_reference_18 },
          },
        },
      });
      const signature = new Stripe('sk_test_e2e').webhooks.generateTestHeaderString({
        payload: event,
        secret: STRIPE_WEBHOOK_SECRET,
      });
      const hook = await http(platform.baseUrl, 'POST', '/api/payments/webhook', {
        rawBody: event,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      });
      expect(hook.body.outcome).toBe('paid');

      const webhook = await deliveredWebhook(endpoint, 'session.paid', session.id);
      expect(webhook.data).toMatchObject({ psp: 'stripe', paymentMethod: 'ideal', amountMinor: 4993 });
      await stream.until(
        () => stream.events.some((e) => e.event === 'session.paid'),
        'session.paid on the stream',
      );

      await releaseAndDeliver(session.id, session.ipay_reference_18, payToken);
      await deliveredWebhook(endpoint, 'parcel.delivered', session.id);
      const detail = await http(platform.baseUrl, 'GET', `/api/payment-sessions/${session.id}`, { token });
      expect(detail.body).toMatchObject({ status: 'DELIVERED', psp: 'stripe', parcel_status: 'DELIVERED' });
    } finally {
      stream.close();
    }
  });

  // After the flows above: their events, and those of a cancellation and an endpoint's own life, are checked
  // against the catalogue the SDK types and the OpenAPI document describe.
  it('records and delivers only catalogued events, each matching its schema exactly', async () => {
    const { token, endpoint, stream } = await merchantWithEndpointAndStream();
    stream.close();
    const [endpointRow] = (await http(platform.baseUrl, 'GET', '/api/webhook-endpoints', { token })).body
      .items as Array<{ id: string }>;
    const { order } = await orderWithSession(token);
    expect(
      (await post(`/api/orders/${order.id}/cancel`, token, { reason: 'customer changed their mind' })).status,
    ).toBe(200);
    expect((await post(`/api/webhook-endpoints/${endpointRow!.id}/test`, token)).status).toBe(200);
    await deliveredWebhook(endpoint, 'order.cancelled', order.id);
    await deliveredWebhook(endpoint, 'webhook.test', endpointRow!.id);

    const rows = await platform.database.db.selectFrom('domain_events').select(['type', 'payload']).execute();
    const recorded = new Set<string>();
    for (const row of rows) {
      if (!isEventType(row.type))
        throw new Error(`${row.type} was recorded but is not in the event catalogue`);
      const checked = EVENT_CATALOGUE[row.type].payload.strict().safeParse(row.payload);
      expect(checked.error, `${row.type}: ${JSON.stringify(row.payload)}`).toBeUndefined();
      recorded.add(row.type);
    }
    const delivered = new Set<string>();
    for (const request of receiver.received) {
      const body = JSON.parse(request.body) as { type: string };
      if (!isSubscribableEventType(body.type))
        throw new Error(`${body.type} was delivered but is not subscribable`);
      const envelope = webhookEnvelope(body.type);
      const exact = envelope.extend({ data: envelope.shape.data.strict() }).strict();
      expect(exact.safeParse(body).error, request.body).toBeUndefined();
      delivered.add(body.type);
    }
    // The flows reached far enough for the checks to mean something.
    expect([...recorded]).toEqual(
      expect.arrayContaining([
        'organization.registered',
        'webhook.endpoint_created',
        'order.created',
        'order.cancelled',
        'session.created',
        'session.payment_started',
        'session.paid',
        'session.otp_verified',
        'session.cancelled',
        'parcel.status_changed',
        'parcel.delivered',
        'webhook.test',
      ]),
    );
    expect([...delivered]).toEqual(
      expect.arrayContaining(['session.paid', 'parcel.delivered', 'order.cancelled', 'webhook.test']),
    );
  });
});
