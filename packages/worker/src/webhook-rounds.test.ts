import { enqueueDeliveryAttempts, recordDomainEvents, WEBHOOK_ENDPOINT_CONCURRENCY } from '@ipay/api';
import { sampleEvent } from '@ipay/api/testing';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { useWebhookPlatform } from './testing/webhook-platform';

describe('webhook deliveries sent in rounds per endpoint', () => {
  const { db, runQueue, merchantWithEndpoint } = useWebhookPlatform();

  /** `count` events and their deliveries to the endpoint, first attempts queued as the event relay queues them. */
  async function scheduleDeliveries(endpoint: { id: string }, organizationId: string, count: number) {
    return db()
      .transaction()
      .execute(async (trx) => {
        const events = await recordDomainEvents(
          trx,
          Array.from({ length: count }, () => sampleEvent('order.created', { organizationId })),
        );
        const deliveries = await trx
          .insertInto('webhook_deliveries')
          .values(
            events.map((e) => ({ endpoint_id: endpoint.id, event_id: e.id, next_attempt_at: new Date() })),
          )
          .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
          .returning(['id', 'event_id', 'endpoint_id'])
          .execute();
        await enqueueDeliveryAttempts(
          trx,
          deliveries.map((d) => ({ id: d.id, endpointId: d.endpoint_id })),
        );
        return events.map((event) => event.id);
      });
  }

  function deliveries(endpointId: string) {
    return db()
      .selectFrom('webhook_deliveries')
      .select(['id', 'event_id', 'status', 'attempts', 'last_status_code', 'next_attempt_at'])
      .where('endpoint_id', '=', endpointId)
      .execute();
  }

  it('records each delivery of a round as it went: one failure among successes is retried alone', async () => {
    const { hooks, endpoint, organizationId } = await merchantWithEndpoint(['order.created']);
    const eventIds = await scheduleDeliveries(endpoint, organizationId, 6);
    const failingEvent = eventIds[2]!;
    hooks.respondTo(failingEvent, { status: 500, body: 'not now' });
    await runQueue();

    expect(hooks.webhookIds().sort()).toEqual([...eventIds].sort());
    const rows = await deliveries(endpoint.id);
    const failed = rows.find((row) => row.event_id === failingEvent)!;
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500 });
    expect(failed.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    const others = rows.filter((row) => row.event_id !== failingEvent);
    expect(others).toHaveLength(5);
    for (const row of others)
      expect(row).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200 });

    const log = await db()
      .selectFrom('webhook_delivery_attempts')
      .select(['delivery_id', 'attempt_number', 'status_code', 'response_body_excerpt'])
      .where(
        'delivery_id',
        'in',
        rows.map((row) => row.id),
      )
      .execute();
    expect(log).toHaveLength(6);
    expect(log.find((entry) => entry.delivery_id === failed.id)).toMatchObject({
      attempt_number: 1,
      status_code: 500,
      response_body_excerpt: 'not now',
    });
    // The endpoint answered 2xx in the same round: it is not failing.
    const stored = await db()
      .selectFrom('webhook_endpoints')
      .select('failing_since')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.failing_since).toBeNull();
    // Only the failed delivery has a next attempt queued, in its endpoint's queue.
    const { rows: queued } = await sql<{ key: string; queue_name: string }>`
      select key, queue_name from graphile_worker.jobs where locked_at is null`.execute(db());
    expect(queued).toEqual([
      { key: `webhook-delivery:${failed.id}`, queue_name: `webhook-endpoint:${endpoint.id}` },
    ]);
  });

  it('disables the endpoint on a 410 to one delivery of a round, keeping the others that succeeded', async () => {
    const { hooks, endpoint, organizationId } = await merchantWithEndpoint(['order.created']);
    const eventIds = await scheduleDeliveries(endpoint, organizationId, 5);
    const goneEvent = eventIds[1]!;
    hooks.respondTo(goneEvent, { status: 410 });
    await runQueue();

    const rows = await deliveries(endpoint.id);
    expect(rows.find((row) => row.event_id === goneEvent)).toMatchObject({
      status: 'failed',
      last_status_code: 410,
    });
    expect(rows.filter((row) => row.status === 'succeeded')).toHaveLength(4);
    const stored = await db()
      .selectFrom('webhook_endpoints')
      .select(['status', 'disabled_reason'])
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ status: 'disabled', disabled_reason: 'The receiver answered 410 Gone.' });
  });

  it('sends every delivery of a round again, under the same webhook-ids, when the worker dies before recording', async () => {
    const { hooks, endpoint, organizationId } = await merchantWithEndpoint(['order.created']);
    const eventIds = await scheduleDeliveries(endpoint, organizationId, 12);
    await sql`create function simulate_worker_crash() returns trigger language plpgsql as $$
                begin raise exception 'worker died mid-round'; end $$`.execute(db());
    await sql`create trigger simulate_worker_crash before insert on webhook_delivery_attempts
              for each row execute function simulate_worker_crash()`.execute(db());
    try {
      await runQueue();
    } finally {
      await sql`drop trigger simulate_worker_crash on webhook_delivery_attempts`.execute(db());
      await sql`drop function simulate_worker_crash()`.execute(db());
    }
    expect(hooks.webhookIds().sort()).toEqual([...eventIds].sort());
    for (const row of await deliveries(endpoint.id))
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    const { rows: jobs } = await sql<{ attempts: number; last_error: string }>`
      select attempts, last_error from graphile_worker.jobs
      where key = ${`webhook-endpoint:${endpoint.id}`}`.execute(db());
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      attempts: 1,
      last_error: expect.stringContaining('worker died mid-round'),
    });

    // The job queue runs the endpoint's job again (here: now, instead of after its backoff).
    await sql`update graphile_worker._private_jobs set run_at = now()
              where key = ${`webhook-endpoint:${endpoint.id}`}`.execute(db());
    await runQueue();
    expect(hooks.webhookIds().slice(eventIds.length).sort()).toEqual([...eventIds].sort());
    for (const id of eventIds) {
      const { body, headers } = hooks.requestOf(id)!;
      expect(headers['webhook-id']).toBe(id);
      expect(body).toContain(id);
    }
    for (const row of await deliveries(endpoint.id))
      expect(row).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('keeps connections to an endpoint alive across deliveries and jobs', async () => {
    const { hooks, endpoint, organizationId } = await merchantWithEndpoint(['order.created']);
    await scheduleDeliveries(endpoint, organizationId, 40);
    await runQueue();
    await scheduleDeliveries(endpoint, organizationId, 40);
    await runQueue();
    expect(hooks.webhookIds()).toHaveLength(80);
    expect(hooks.connections()).toBeGreaterThan(0);
    expect(hooks.connections()).toBeLessThanOrEqual(WEBHOOK_ENDPOINT_CONCURRENCY);
    // Signed as before over a reused connection.
    const [first] = hooks.webhookIds();
    const { body, headers } = hooks.requestOf(first!)!;
    expect(new Webhook(endpoint.secret).verify(body, headers)).toMatchObject({ type: 'order.created' });
  });
});
