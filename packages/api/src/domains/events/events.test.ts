import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, sampleEvent, type TestPlatform } from '../../testing';
import {
  dispatchDomainEvent,
  DOMAIN_EVENTS_CHANNEL,
  recordDomainEvent,
  recordDomainEvents,
  type DomainEventConsumer,
} from './service';

describe('domain events', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const event = (resourceId: string) => sampleEvent('role.created', { organizationId: null, resourceId });

  async function dispatchJobs(eventId: string) {
    const { rows } = await sql<{ id: string }>`
      select id from graphile_worker.jobs where task_identifier = 'events.dispatch' and key = ${`event:${eventId}`}`.execute(
      platform.database.db,
    );
    return rows;
  }

  it('writes the event and its dispatch job in the caller’s transaction, numbered per resource', async () => {
    const [first, second] = await platform.database.db
      .transaction()
      .execute(async (trx) => [
        await recordDomainEvent(trx, event('r-1')),
        await recordDomainEvent(trx, event('r-1')),
      ]);
    const other = await platform.database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-2')));
    expect([first.sequence, second.sequence, other.sequence]).toEqual([1, 2, 1]);
    expect(await dispatchJobs(first.id)).toHaveLength(1);
  });

  it('refuses an uncatalogued type or a payload off its schema, at compile time and at run time', async () => {
    const countRows = async () =>
      (
        await platform.database.db
          .selectFrom('domain_events')
          .select('id')
          .where('resource_id', '=', 'r-bad')
          .execute()
      ).length;
    const good = event('r-bad');
    await expect(
      platform.database.db.transaction().execute((trx) =>
        // @ts-expect-error a typo in the type is a compile error
        recordDomainEvent(trx, { ...good, type: 'role.craeted' }),
      ),
    ).rejects.toThrow(/role\.craeted is not in the catalogue/);
    await expect(
      platform.database.db.transaction().execute((trx) =>
        // @ts-expect-error a payload of the wrong shape is a compile error
        recordDomainEvent(trx, { ...good, data: { name: 'Packers' } }),
      ),
    ).rejects.toThrow(/role\.created has a malformed payload/);
    // A key the schema does not declare is refused too, though the compiler lets a spread through.
    const extra: Record<string, unknown> = { surprise: true };
    await expect(
      platform.database.db
        .transaction()
        .execute((trx) =>
          recordDomainEvents(trx, [event('r-bad'), { ...good, data: { ...good.data, ...extra } }]),
        ),
    ).rejects.toThrow(/surprise/);
    expect(await countRows()).toBe(0);
  });

  it('records a batch as one event at a time would: numbered per resource, a job and a notification each', async () => {
    const client = await platform.database.pool.connect();
    const heard: string[] = [];
    client.on('notification', (message) => heard.push(message.payload ?? ''));
    await client.query(`listen ${DOMAIN_EVENTS_CHANNEL}`);
    try {
      const first = await platform.database.db
        .transaction()
        .execute((trx) => recordDomainEvent(trx, event('r-9')));
      const batch = await platform.database.db
        .transaction()
        .execute((trx) => recordDomainEvents(trx, [event('r-9'), event('r-10'), event('r-9')]));
      expect([first, ...batch].map((e) => `${e.resourceId}#${e.sequence}`)).toEqual([
        'r-9#1',
        'r-9#2',
        'r-10#1',
        'r-9#3',
      ]);
      for (const recorded of batch) expect(await dispatchJobs(recorded.id)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([first.id, ...batch.map((e) => e.id)]);
    } finally {
      await client.query(`unlisten ${DOMAIN_EVENTS_CHANNEL}`);
      client.release();
    }
  });

  it('leaves neither event nor job behind when the transaction rolls back', async () => {
    let eventId = '';
    await platform.database.db
      .transaction()
      .execute(async (trx) => {
        eventId = (await recordDomainEvent(trx, event('r-3'))).id;
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    expect(
      await platform.database.db.selectFrom('domain_events').select('id').where('id', '=', eventId).execute(),
    ).toEqual([]);
    expect(await dispatchJobs(eventId)).toEqual([]);
  });

  it('notifies listeners only on commit', async () => {
    const client = await platform.database.pool.connect();
    const heard: string[] = [];
    client.on('notification', (message) => heard.push(message.payload ?? ''));
    await client.query(`listen ${DOMAIN_EVENTS_CHANNEL}`);
    try {
      const committed = await platform.database.db
        .transaction()
        .execute((trx) => recordDomainEvent(trx, event('r-4')));
      await platform.database.db
        .transaction()
        .execute(async (trx) => {
          await recordDomainEvent(trx, event('r-5'));
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([committed.id]);
    } finally {
      await client.query(`unlisten ${DOMAIN_EVENTS_CHANNEL}`);
      client.release();
    }
  });

  it('dispatches an event once, however often the job runs', async () => {
    const recorded = await platform.database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-6')));
    expect(await dispatchDomainEvent(platform.database.db, recorded.id)).toBe('dispatched');
    expect(await dispatchDomainEvent(platform.database.db, recorded.id)).toBe('already');
    expect(await dispatchDomainEvent(platform.database.db, crypto.randomUUID())).toBe('missing');
  });

  it('hands the event to its consumers in the dispatch transaction, once', async () => {
    const recorded = await platform.database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-7')));
    const seen: string[] = [];
    const consumer: DomainEventConsumer = (_trx, dispatched) => {
      seen.push(`${dispatched.type}:${dispatched.resourceId}:${JSON.stringify(dispatched.data)}`);
      return Promise.resolve();
    };
    expect(await dispatchDomainEvent(platform.database.db, recorded.id, [consumer])).toBe('dispatched');
    expect(await dispatchDomainEvent(platform.database.db, recorded.id, [consumer])).toBe('already');
    expect(seen).toEqual(['role.created:r-7:{"name":"Packers","permissions":["orders:read:organization"]}']);
  });

  it('leaves the event undispatched when a consumer fails, so the job retries it', async () => {
    const recorded = await platform.database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-8')));
    const failing: DomainEventConsumer = () => Promise.reject(new Error('consumer down'));
    await expect(dispatchDomainEvent(platform.database.db, recorded.id, [failing])).rejects.toThrow(
      'consumer down',
    );
    expect(await dispatchDomainEvent(platform.database.db, recorded.id)).toBe('dispatched');
  });
});
