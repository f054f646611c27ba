import { drainDomainEvents, DOMAIN_EVENT_CONSUMERS, recordDomainEvent } from '@ipay/api';
import { sampleEvent, type SampledEventType } from '@ipay/api/testing';
import { Logger as GraphileLogger, run } from 'graphile-worker';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { EventRelay } from './event-relay';
import { createTaskList } from './task-list';
import { useWebhookPlatform } from './testing/webhook-platform';

const HOUR = 3600_000;

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('outbound webhooks through the job queue', () => {
  const { platform, db, logger, runQueue, receiver, merchantWithEndpoint } = useWebhookPlatform();

  function emit(organizationId: string | null, type: SampledEventType = 'order.created') {
    return db()
      .transaction()
      .execute((trx) => recordDomainEvent(trx, sampleEvent(type, { organizationId })));
  }

  async function deliveriesOf(eventId: string) {
    return db()
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('event_id', '=', eventId)
      .orderBy('created_at')
      .execute();
  }

  async function onlyDelivery(eventId: string) {
    const [delivery, ...rest] = await deliveriesOf(eventId);
    expect(rest).toEqual([]);
    return delivery!;
  }

  /** Moves a delivery's next attempt to now, as time passing would: its own job's, or its endpoint's. */
  async function makeDue(deliveryId: string) {
    const delivery = await db()
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: sql<Date>`now()` })
      .where('id', '=', deliveryId)
      .returning('endpoint_id')
      .executeTakeFirstOrThrow();
    await sql`update graphile_worker._private_jobs set run_at = now()
              where key in (${`webhook-delivery:${deliveryId}`}, ${`webhook-endpoint:${delivery.endpoint_id}`})`.execute(
      db(),
    );
  }

  /** Jobs waiting to attempt a delivery (a job that just ran stays locked until graphile deletes it). */
  async function scheduledAttempts(deliveryId: string) {
    const { rows } = await sql<{ id: string }>`
      select id from graphile_worker.jobs
      where key = ${`webhook-delivery:${deliveryId}`} and locked_at is null`.execute(db());
    return rows;
  }

  function verify(secret: string, request: { body: string; headers: Record<string, string> }) {
    return new Webhook(secret).verify(request.body, request.headers);
  }

  it('delivers a committed event as a Standard Webhooks request that standardwebhooks verifies', async () => {
    const { hooks, endpoint, organizationId } = await merchantWithEndpoint();
    const event = await emit(organizationId, 'order.created');
    await runQueue();

    expect(hooks.received).toHaveLength(1);
    const [request] = hooks.received;
    expect(request!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'IPAY-Webhooks/1',
      'webhook-id': event.id,
    });
    expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(request!.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verify(endpoint.secret, request!)).toEqual({
      type: 'order.created',
      timestamp: event.occurredAt,
      data: {
        ...event.data,
        id: event.id,
        sequence: 1,
        resourceType: 'order',
        resourceId: event.resourceId,
      },
    });
    expect(() => verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, request!)).toThrow();
    const delivery = await onlyDelivery(event.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200 });
  });

  it('fans out only to active endpoints of the event’s organization that subscribe to its type', async () => {
    const a = await merchantWithEndpoint(['session.paid']);
    const everything = await a.api.webhooks.createEndpoint({ url: a.hooks.url('/all') });
    const orders = await a.api.webhooks.createEndpoint({
      url: a.hooks.url('/orders'),
      eventTypes: ['order.created'],
    });
    const paused = await a.api.webhooks.createEndpoint({ url: a.hooks.url('/paused') });
    await a.api.webhooks.updateEndpoint({ id: paused.id, status: 'disabled' });
    const other = await merchantWithEndpoint();

    const paid = await emit(a.organizationId, 'session.paid');
    const internal = await emit(a.organizationId, 'role.created');
    const platformWide = await emit(null, 'session.paid');
    await runQueue();

    const targets = (await deliveriesOf(paid.id)).map((d) => d.endpoint_id).sort();
    expect(targets).toEqual([a.endpoint.id, everything.id].sort());
    expect(targets).not.toContain(orders.id);
    expect(await deliveriesOf(internal.id)).toEqual([]);
    expect(await deliveriesOf(platformWide.id)).toEqual([]);
    const paidRequests = a.hooks.received.filter((r) => r.headers['webhook-id'] === paid.id);
    expect(paidRequests.map((r) => r.path).sort()).toEqual(['/all', '/webhooks']);
    expect(other.hooks.received).toEqual([]);
  });

  it('creates nothing twice when a batch is relayed again', async () => {
    const { organizationId, hooks } = await merchantWithEndpoint();
    const event = await emit(organizationId);
    await runQueue();
    // As after a relay that committed its deliveries but whose cursor a restore moved back.
    const { stream_position } = await db()
      .selectFrom('domain_events')
      .select('stream_position')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable('event_relay_cursors')
      .set({ position: stream_position! - 1 })
      .execute();
    expect(await drainDomainEvents(db(), { consumers: DOMAIN_EVENT_CONSUMERS })).toBeGreaterThan(0);
    expect(await drainDomainEvents(db(), { consumers: DOMAIN_EVENT_CONSUMERS })).toBe(0);
    await runQueue();
    expect(await deliveriesOf(event.id)).toHaveLength(1);
    expect(hooks.received).toHaveLength(1);
  });

  it('relays an event when it commits, woken by LISTEN, not by its hourly poll, and listens again when cut off', async () => {
    const { organizationId } = await merchantWithEndpoint();
    const relay = new EventRelay({
      db: db(),
      pool: platform().database.pool,
      logger,
      pollMs: HOUR,
      reconnectDelayMs: { initial: 10, max: 100 },
    });
    await relay.start();
    try {
      // The pass start() began is over: only a notification can start the next one within the hour.
      await relay.idle();
      const event = await emit(organizationId);
      await waitFor(async () => ((await deliveriesOf(event.id)).length ? true : undefined));

      await sql`select pg_terminate_backend(${relay.listenerPid}::int)`.execute(db());
      const meanwhile = await emit(organizationId);
      // Listening again, it relays what committed while nobody listened.
      await waitFor(async () => ((await deliveriesOf(meanwhile.id)).length ? true : undefined));
    } finally {
      await relay.stop();
    }
  });

  it('retries a 500 with backoff and the same webhook-id, then succeeds on a 200', async () => {
    const { hooks, api, endpoint, organizationId } = await merchantWithEndpoint();
    hooks.respondWith({ status: 500, body: 'database down' });
    const event = await emit(organizationId);
    const before = Date.now();
    await runQueue();

    const failed = await onlyDelivery(event.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    const wait = failed.next_attempt_at!.getTime() - before;
    expect(wait).toBeGreaterThanOrEqual(24_000 - 1000);
    expect(wait).toBeLessThanOrEqual(36_000 + 5000);
    const afterFailure = await db()
      .selectFrom('webhook_endpoints')
      .select('failing_since')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(afterFailure.failing_since).toBeInstanceOf(Date);

    await runQueue();
    expect(hooks.received).toHaveLength(1);
    await makeDue(failed.id);
    await runQueue();

    expect(hooks.received).toHaveLength(2);
    const [first, second] = hooks.received;
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    verify(endpoint.secret, second!);
    const delivered = await api.webhooks.getDelivery({ id: failed.id });
    expect(delivered).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });
    expect(delivered.attemptHistory.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(delivered.attemptHistory[0]!.responseBodyExcerpt).toBe('database down');
    const recovered = await db()
      .selectFrom('webhook_endpoints')
      .select('failing_since')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(recovered.failing_since).toBeNull();
  });

  it('counts a redirect as a failure without following it, and honours Retry-After on 429', async () => {
    const { hooks, organizationId } = await merchantWithEndpoint();
    hooks.respondWith(
      { status: 302, headers: { location: hooks.url('/elsewhere') } },
      { status: 429, headers: { 'retry-after': '600' } },
    );
    const event = await emit(organizationId);
    await runQueue();
    const redirected = await onlyDelivery(event.id);
    expect(redirected).toMatchObject({ status: 'pending', last_status_code: 302 });
    expect(redirected.last_error).toContain('redirects are not followed');
    expect(hooks.received.map((r) => r.path)).toEqual(['/webhooks']);

    await makeDue(redirected.id);
    const before = Date.now();
    await runQueue();
    const limited = await onlyDelivery(event.id);
    expect(limited).toMatchObject({ status: 'pending', attempts: 2, last_status_code: 429 });
    expect(limited.next_attempt_at!.getTime() - before).toBeGreaterThanOrEqual(600_000 - 1000);
  });

  it('disables the endpoint on 410 Gone, records webhook.endpoint_disabled and e-mails its admins', async () => {
    const { hooks, endpoint, organizationId, merchant } = await merchantWithEndpoint();
    hooks.respondWith({ status: 410 });
    const event = await emit(organizationId);
    await runQueue();

    expect(await onlyDelivery(event.id)).toMatchObject({ status: 'failed', last_status_code: 410 });
    const disabled = await platform()
      .caller({ token: merchant.token })
      .webhooks.getEndpoint({ id: endpoint.id });
    expect(disabled).toMatchObject({ status: 'disabled', disabledReason: 'The receiver answered 410 Gone.' });
    const events = await db()
      .selectFrom('domain_events')
      .select(['type', 'payload'])
      .where('resource_id', '=', endpoint.id)
      .where('type', '=', 'webhook.endpoint_disabled')
      .execute();
    expect(events).toHaveLength(1);
    const mail = await db()
      .selectFrom('email_outbox')
      .selectAll()
      .where('to', '=', merchant.user.email)
      .execute();
    expect(mail).toHaveLength(1);
    expect(mail[0]!.text).toContain(endpoint.id);

    await emit(organizationId);
    await runQueue();
    expect(hooks.received).toHaveLength(1);
  });

  it('fails a delivery whose retries run past 72 hours', async () => {
    const { hooks, organizationId } = await merchantWithEndpoint();
    hooks.respondWith({ status: 500 });
    const event = await emit(organizationId);
    await runQueue();
    const delivery = await onlyDelivery(event.id);
    await db()
      .updateTable('webhook_deliveries')
      .set({ created_at: new Date(Date.now() - 72 * HOUR + 60_000) })
      .where('id', '=', delivery.id)
      .execute();
    hooks.respondWith({ status: 503 });
    await makeDue(delivery.id);
    await runQueue();
    expect(await onlyDelivery(event.id)).toMatchObject({
      status: 'failed',
      attempts: 2,
      next_attempt_at: null,
    });
    expect(await scheduledAttempts(delivery.id)).toEqual([]);
  });

  it('disables an endpoint failing for 3 days, tells the other endpoints and puts an e-mail in the outbox', async () => {
    const { hooks, api, endpoint, organizationId, merchant } = await merchantWithEndpoint();
    const watcher = await receiver();
    await api.webhooks.createEndpoint({
      url: watcher.url('/watch'),
      eventTypes: ['webhook.endpoint_disabled'],
    });
    hooks.respondWith({ status: 500 }, { status: 500 });
    const first = await emit(organizationId);
    await runQueue();
    expect(await onlyDelivery(first.id)).toMatchObject({ status: 'pending' });

    const second = await emit(organizationId);
    await db()
      .updateTable('webhook_endpoints')
      .set({ failing_since: new Date(Date.now() - 3 * 24 * HOUR - 60_000) })
      .where('id', '=', endpoint.id)
      .execute();
    await runQueue();

    const after = await api.webhooks.getEndpoint({ id: endpoint.id });
    expect(after).toMatchObject({
      status: 'disabled',
      disabledReason: 'Every delivery attempt has failed for 3 days.',
    });
    expect(await onlyDelivery(second.id)).toMatchObject({ status: 'failed' });
    // The earlier delivery, still waiting for its retry, fails with the endpoint.
    expect(await onlyDelivery(first.id)).toMatchObject({ status: 'failed', next_attempt_at: null });

    expect(watcher.received).toHaveLength(1);
    expect(JSON.parse(watcher.received[0]!.body)).toMatchObject({
      type: 'webhook.endpoint_disabled',
      data: { endpointId: endpoint.id, reason: 'Every delivery attempt has failed for 3 days.' },
    });

    const outbox = await db()
      .selectFrom('email_outbox')
      .selectAll()
      .where('to', '=', merchant.user.email)
      .execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({
      status: 'queued',
      subject: 'IPAY: your webhook endpoint was disabled',
    });
    expect(outbox[0]!.text).toContain(hooks.url());

    const reenabled = await api.webhooks.updateEndpoint({ id: endpoint.id, status: 'active' });
    expect(reenabled).toMatchObject({ status: 'active', disabledReason: null, failingSince: null });
  });

  it('signs with both secrets during a rotation, and only the new one once the old expires', async () => {
    const { hooks, api, endpoint, organizationId } = await merchantWithEndpoint();
    const rotated = await api.webhooks.rotateSecret({ id: endpoint.id });
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(new Date(rotated.previousSecretExpiresAt!).getTime() - Date.now()).toBeGreaterThan(23.9 * HOUR);

    await emit(organizationId);
    await runQueue();
    const [during] = hooks.received;
    expect(during!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(endpoint.secret, during!)).toMatchObject({ type: 'order.created' });
    expect(verify(rotated.secret, during!)).toMatchObject({ type: 'order.created' });

    await db()
      .updateTable('webhook_endpoints')
      .set({ previous_secret_expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', endpoint.id)
      .execute();
    await emit(organizationId);
    await runQueue();
    const after = hooks.received[1]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(verify(rotated.secret, after)).toMatchObject({ type: 'order.created' });
    expect(() => verify(endpoint.secret, after)).toThrow('No matching signature');
  });

  it('redelivers a delivery now, under the same webhook-id', async () => {
    const { hooks, api, organizationId } = await merchantWithEndpoint();
    const event = await emit(organizationId);
    await runQueue();
    const delivery = await onlyDelivery(event.id);
    const redelivered = await api.webhooks.redeliver({ id: delivery.id });
    expect(redelivered).toMatchObject({ status: 'pending', attempts: 1 });
    await runQueue();
    expect(hooks.received.map((r) => r.headers['webhook-id'])).toEqual([event.id, event.id]);
    expect(await api.webhooks.getDelivery({ id: delivery.id })).toMatchObject({
      status: 'succeeded',
      attempts: 2,
    });
  });

  it('sends a test event to one endpoint only, whatever it subscribes to', async () => {
    const { hooks, api, endpoint } = await merchantWithEndpoint(['parcel.delivered']);
    await api.webhooks.createEndpoint({ url: hooks.url('/bystander') });
    const sent = await api.webhooks.sendTestEvent({ id: endpoint.id });
    expect(sent.delivery).toMatchObject({
      endpointId: endpoint.id,
      eventType: 'webhook.test',
      status: 'pending',
    });
    await runQueue();
    expect(hooks.received.map((r) => r.path)).toEqual(['/webhooks']);
    expect(verify(endpoint.secret, hooks.received[0]!)).toMatchObject({
      type: 'webhook.test',
      data: { endpointId: endpoint.id, id: sent.eventId },
    });
    expect((await deliveriesOf(sent.eventId)).map((d) => d.endpoint_id)).toEqual([endpoint.id]);
  });

  it('refuses at delivery time an address that turned private, when private URLs are not allowed', async () => {
    const { hooks, organizationId } = await merchantWithEndpoint();
    const event = await emit(organizationId);
    await runQueue({ ...platform().config, webhooks: { allowPrivateUrls: false } });
    expect(hooks.received).toEqual([]);
    const delivery = await onlyDelivery(event.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
    expect(delivery.last_error).toContain('127.0.0.1 is a loopback address');
  });

  it('delivers at least once: a worker that dies after sending leaves the job to be run again', async () => {
    const { hooks, endpoint, organizationId } = await merchantWithEndpoint();
    const event = await emit(organizationId);
    // The worker sends, then loses the database before it can record the attempt.
    await sql`create function simulate_worker_crash() returns trigger language plpgsql as $$
                begin raise exception 'worker died after sending'; end $$`.execute(db());
    await sql`create trigger simulate_worker_crash before insert on webhook_delivery_attempts
              for each row execute function simulate_worker_crash()`.execute(db());
    try {
      await runQueue();
    } finally {
      await sql`drop trigger simulate_worker_crash on webhook_delivery_attempts`.execute(db());
      await sql`drop function simulate_worker_crash()`.execute(db());
    }
    expect(hooks.received).toHaveLength(1);
    const delivery = await onlyDelivery(event.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0 });
    // graphile-worker records the failure without awaiting it; the endpoint's job keeps its attempt budget.
    const failedJob = await waitFor(async () => {
      const { rows } = await sql<{ attempts: number; last_error: string | null }>`
        select attempts, last_error from graphile_worker.jobs
        where key = ${`webhook-endpoint:${endpoint.id}`}`.execute(db());
      return rows[0]?.last_error ? rows[0] : undefined;
    });
    expect(failedJob.attempts).toBe(1);
    expect(failedJob.last_error).toContain('worker died after sending');

    await makeDue(delivery.id);
    await runQueue();
    expect(hooks.received).toHaveLength(2);
    expect(hooks.received[1]!.headers['webhook-id']).toBe(event.id);
    verify(endpoint.secret, hooks.received[1]!);
    expect(await onlyDelivery(event.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('picks up a delivery job left locked by a worker that vanished', async () => {
    const { hooks, organizationId } = await merchantWithEndpoint();
    const event = await emit(organizationId);
    await drainDomainEvents(db(), { consumers: DOMAIN_EVENT_CONSUMERS });
    const delivery = await onlyDelivery(event.id);
    // A worker took the endpoint's job five hours ago and was killed before finishing it.
    const { numAffectedRows } = await sql`update graphile_worker._private_jobs
              set locked_at = now() - interval '5 hours', locked_by = 'worker-that-died', attempts = 1
              where key = ${`webhook-endpoint:${delivery.endpoint_id}`}`.execute(db());
    expect(numAffectedRows).toBe(1n);
    // A live worker releases locks older than 4 hours; here it checks every few milliseconds, not minutes.
    const runner = await run({
      pgPool: platform().database.pool,
      concurrency: 1,
      noHandleSignals: true,
      logger: new GraphileLogger(() => () => undefined),
      taskList: createTaskList({
        db: db(),
        config: platform().config,
        encryptionKey: platform().deps.encryptionKey,
      }),
      preset: { worker: { minResetLockedInterval: 10, maxResetLockedInterval: 20 } },
    });
    try {
      await waitFor(async () => ((await onlyDelivery(event.id)).status === 'succeeded' ? true : undefined));
    } finally {
      await runner.stop();
    }
    expect(hooks.received.map((r) => r.headers['webhook-id'])).toEqual([event.id]);
  });
});
