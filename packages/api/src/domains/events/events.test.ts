import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbTransaction } from '@ipay/db';
import { createTestPlatform, sampleEvent, type TestPlatform } from '../../testing';
import { findStreamPosition } from './event-feed';
import { drainDomainEvents, relayDomainEvents } from './relay';
import {
  DOMAIN_EVENTS_CHANNEL,
  recordDomainEvent,
  recordDomainEvents,
  recordDomainEventsFromQuery,
  type DomainEventConsumer,
} from './service';

describe('domain events', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  const event = (resourceId: string) => sampleEvent('role.created', { organizationId: null, resourceId });

  const db = () => platform.database.db;

  async function queuedJobs() {
    const { rows } = await sql<{ id: string }>`select id from graphile_worker.jobs`.execute(db());
    return rows;
  }

  async function positionOf(eventId: string): Promise<number> {
    const position = await findStreamPosition(db(), eventId);
    if (position === undefined) throw new Error(`event ${eventId} has no position`);
    return position;
  }

  /** Starts a transaction and holds it open until `commit()` (or `rollback()`) is called. */
  function openTransaction<T>(work: (trx: DbTransaction) => Promise<T>) {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((resolve) => (finish = resolve));
    let markDone!: (value: T) => void;
    const done = new Promise<T>((resolve) => (markDone = resolve));
    const result = db()
      .transaction()
      .execute(async (trx) => {
        const value = await work(trx);
        markDone(value);
        if (!(await decided)) throw new Error('rolled back');
        return value;
      });
    return {
      done,
      commit: () => {
        finish(true);
        return result;
      },
    };
  }

  it('writes the event in the caller’s transaction, numbered per resource, and queues no job for it', async () => {
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
    expect(await queuedJobs()).toEqual([]);
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

  it('records a batch as one event at a time would, with one notification per transaction naming its last position', async () => {
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
      const positions = await Promise.all([first, ...batch].map((e) => positionOf(e.id)));
      // The batch is numbered in the order given, right after the first transaction.
      expect(positions.slice(1)).toEqual([positions[0]! + 1, positions[0]! + 2, positions[0]! + 3]);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([String(positions[0]), String(positions[3])]);
    } finally {
      await client.query(`unlisten ${DOMAIN_EVENTS_CHANNEL}`);
      client.release();
    }
  });

  it('leaves nothing behind when the transaction rolls back', async () => {
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
    expect(await queuedJobs()).toEqual([]);
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
      expect(heard).toEqual([String(await positionOf(committed.id))]);
    } finally {
      await client.query(`unlisten ${DOMAIN_EVENTS_CHANNEL}`);
      client.release();
    }
  });

  it('numbers a hundred events of one transaction consecutively, in the order they were recorded', async () => {
    const recorded = await db()
      .transaction()
      .execute(async (trx) => {
        const first = await recordDomainEvents(
          trx,
          Array.from({ length: 60 }, (_, i) => event(`bulk-${i % 7}`)),
        );
        const rest: Awaited<ReturnType<typeof recordDomainEvent>>[] = [];
        for (let i = 0; i < 40; i += 1) rest.push(await recordDomainEvent(trx, event(`bulk-${i % 3}`)));
        return [...first, ...rest];
      });
    const positions = await Promise.all(recorded.map((e) => positionOf(e.id)));
    expect(positions).toEqual(positions.map((_, i) => positions[0]! + i));
  });

  it('numbers rows recorded after an early numbering in the same transaction too', async () => {
    const [early, late] = await db()
      .transaction()
      .execute(async (trx) => {
        const first = await recordDomainEvent(trx, event('r-early'));
        await sql`set constraints all immediate`.execute(trx);
        await sql`set constraints all deferred`.execute(trx);
        return [first, await recordDomainEvent(trx, event('r-early'))];
      });
    expect(await positionOf(late.id)).toBe((await positionOf(early.id)) + 1);
  });

  it('hands committed events to the consumers in stream order, in batches, once', async () => {
    await drainDomainEvents(db(), { consumers: [] });
    const recorded = await db()
      .transaction()
      .execute((trx) => recordDomainEvents(trx, [event('r-6'), event('r-7'), event('r-6')]));
    const seen: string[][] = [];
    const consumer: DomainEventConsumer = (_trx, events) => {
      seen.push(events.map((e) => `${e.type}:${e.resourceId}#${e.sequence}`));
      return Promise.resolve();
    };
    expect(await drainDomainEvents(db(), { consumers: [consumer], batchSize: 2 })).toBe(3);
    expect(await drainDomainEvents(db(), { consumers: [consumer], batchSize: 2 })).toBe(0);
    expect(seen).toEqual([['role.created:r-6#1', 'role.created:r-7#1'], ['role.created:r-6#2']]);
    const cursor = await db().selectFrom('event_relay_cursors').select('position').executeTakeFirstOrThrow();
    expect(cursor.position).toBe(await positionOf(recorded[2]!.id));
  });

  it('leaves the cursor where it was when a consumer fails midway, and the next pass hands everything over', async () => {
    await drainDomainEvents(db(), { consumers: [] });
    const recorded = await db()
      .transaction()
      .execute((trx) => recordDomainEvents(trx, [event('r-8'), event('r-8')]));
    const cursor = () => db().selectFrom('event_relay_cursors').select('position').executeTakeFirstOrThrow();
    const before = await cursor();
    // The first consumer writes, the second throws: the batch's transaction, writes included, rolls back.
    const writing: DomainEventConsumer = async (trx, events) => {
      await sql`insert into relay_log (event_id) select unnest(${events.map((e) => e.id)}::uuid[])`.execute(
        trx,
      );
    };
    await sql`create table relay_log (event_id uuid not null)`.execute(db());
    try {
      const failing: DomainEventConsumer = () => Promise.reject(new Error('consumer down'));
      await expect(relayDomainEvents(db(), { consumers: [writing, failing] })).rejects.toThrow(
        'consumer down',
      );
      expect(await cursor()).toEqual(before);
      expect((await sql`select * from relay_log`.execute(db())).rows).toEqual([]);
      expect(await drainDomainEvents(db(), { consumers: [writing] })).toBe(2);
      const { rows } = await sql<{ event_id: string }>`select event_id from relay_log`.execute(db());
      expect(rows.map((r) => r.event_id)).toEqual(recorded.map((e) => e.id));
    } finally {
      await sql`drop table relay_log`.execute(db());
    }
  });

  /** `count` role.created events of resources `<prefix>-1…`, as a bulk writer's query yields them. */
  function bulkEvents(prefix: string, count: number) {
    const { data } = event('unused');
    return sql`
      select g as ord, 'role.created'::text as type, 'role'::text as resource_type,
        ${prefix} || '-' || g as resource_id, null::uuid as organization_id, null::uuid as actor_user_id,
        ${JSON.stringify(data)}::jsonb as payload
      from generate_series(1, ${count}) g`;
  }

  async function positionsOfResources(prefix: string): Promise<number[]> {
    const { rows } = await sql<{ position: string }>`
      select stream_position::text as position from domain_events
      where resource_id like ${`${prefix}-%`} order by substring(resource_id from '[0-9]+$')::int`.execute(
      db(),
    );
    return rows.map((row) => Number(row.position));
  }

  it('numbers a bulk insert’s events as it inserts them, consecutively and in commit order, under the stream lock until its commit', async () => {
    await drainDomainEvents(db(), { consumers: [] });
    const before = await db()
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-before-bulk')));
    const bulk = openTransaction(async (trx) => {
      expect(await recordDomainEventsFromQuery(trx, bulkEvents('bulk-now', 50), 'now')).toBe(50);
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from domain_events where resource_id like 'bulk-now-%' and stream_position > 0`.execute(
        trx,
      );
      expect(Number(rows[0]?.n)).toBe(50);
      return recordDomainEvent(trx, event('r-after-bulk'));
    });
    const after = await bulk.done;
    // Another writer commits meanwhile: its numbering waits for the bulk transaction's commit, and so do readers.
    const other = db()
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-other')));
    expect(await drainDomainEvents(db(), { consumers: [] })).toBe(1);
    await bulk.commit();
    const otherEvent = await other;
    const start = await positionOf(before.id);
    const positions = [
      ...(await positionsOfResources('bulk-now')),
      await positionOf(after.id),
      await positionOf(otherEvent.id),
    ];
    expect(positions).toEqual(positions.map((_, i) => start + 1 + i));
    const seen: string[] = [];
    await drainDomainEvents(db(), {
      consumers: [
        (_trx, events) => {
          seen.push(...events.map((e) => e.resourceId));
          return Promise.resolve();
        },
      ],
    });
    expect(seen).toEqual([
      ...Array.from({ length: 50 }, (_, i) => `bulk-now-${i + 1}`),
      'r-after-bulk',
      'r-other',
    ]);
  });

  it('relays past the positions a rolled-back bulk insert drew', async () => {
    await drainDomainEvents(db(), { consumers: [] });
    await db()
      .transaction()
      .execute(async (trx) => {
        await recordDomainEventsFromQuery(trx, bulkEvents('bulk-undone', 5), 'now');
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await positionsOfResources('bulk-undone')).toEqual([]);
    const next = await db()
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-after-undone')));
    const seen: string[] = [];
    await drainDomainEvents(db(), {
      consumers: [
        (_trx, events) => {
          seen.push(...events.map((e) => e.id));
          return Promise.resolve();
        },
      ],
    });
    expect(seen).toEqual([next.id]);
  });

  it('relays events committed out of insert order in commit order', async () => {
    await drainDomainEvents(db(), { consumers: [] });
    const slow = openTransaction((trx) => recordDomainEvent(trx, event('r-slow')));
    const slowEvent = await slow.done;
    const fast = await db()
      .transaction()
      .execute((trx) => recordDomainEvent(trx, event('r-fast')));
    const seen: string[] = [];
    const consumer: DomainEventConsumer = (_trx, events) => {
      seen.push(...events.map((e) => e.id));
      return Promise.resolve();
    };
    // The slower writer has not committed: the relay passes the faster one without waiting for it …
    expect(await drainDomainEvents(db(), { consumers: [consumer] })).toBe(1);
    await slow.commit();
    // … and still relays it once it commits, though it was recorded first.
    expect(await drainDomainEvents(db(), { consumers: [consumer] })).toBe(1);
    expect(seen).toEqual([fast.id, slowEvent.id]);
    expect(await positionOf(slowEvent.id)).toBeGreaterThan(await positionOf(fast.id));
  });

  it('lets one relay work at a time: another finds the cursor busy', async () => {
    const holder = openTransaction((trx) =>
      trx.selectFrom('event_relay_cursors').select('position').forUpdate().execute(),
    );
    await holder.done;
    try {
      expect(await relayDomainEvents(db(), { consumers: [] })).toEqual({ busy: true });
    } finally {
      await holder.commit();
    }
  });

  it('fans every event out exactly once with two relays running while events are written', async () => {
    await drainDomainEvents(db(), { consumers: [] });
    await sql`create table relay_log (event_id uuid not null, relay text not null)`.execute(db());
    try {
      const logAs =
        (relay: string): DomainEventConsumer =>
        async (trx, events) => {
          await sql`insert into relay_log (event_id, relay)
                    select unnest(${events.map((e) => e.id)}::uuid[]), ${relay}`.execute(trx);
        };
      let writing = true;
      const relayUntilDone = async (relay: string) => {
        let passes = 0;
        for (;;) {
          const last = !writing;
          const outcome = await relayDomainEvents(db(), { consumers: [logAs(relay)], batchSize: 7 });
          passes += 1;
          if (last && !outcome.busy && outcome.relayed === 0) return passes;
        }
      };
      const writers = Array.from({ length: 4 }, (_, w) =>
        (async () => {
          const ids: string[] = [];
          for (let i = 0; i < 15; i += 1) {
            const batch = await db()
              .transaction()
              .execute((trx) =>
                recordDomainEvents(trx, [event(`w${w}-${i}`), event(`w${w}-shared`), event(`w${w}-${i}`)]),
              );
            ids.push(...batch.map((e) => e.id));
          }
          return ids;
        })(),
      );
      const relays = [relayUntilDone('a'), relayUntilDone('b')];
      const written = (await Promise.all(writers)).flat();
      writing = false;
      await Promise.all(relays);
      const { rows } = await sql<{ event_id: string; relay: string }>`
        select event_id, relay from relay_log`.execute(db());
      expect(rows.map((r) => r.event_id).sort()).toEqual([...written].sort());
      // Both relays took part (the busy one waits its turn), which is what makes the count above mean something.
      expect(new Set(rows.map((r) => r.relay)).size).toBe(2);
    } finally {
      await sql`drop table relay_log`.execute(db());
    }
  });
});
