import { createHash, randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { createDatabase } from '@ipay/db';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppDeps } from '../../bootstrap';
import { createLogger } from '../../logging';
import { buildServer } from '../../http/server';
import {
  createTestMerchant,
  createTestOrganization,
  createTestPlatform,
  createTestPlatformAdmin,
  createTestUser,
  getStreamTicket,
  http,
  openTestEventStream,
  requestStreamTicket,
  sampleEvent,
  type TestEventStream,
  type TestPlatform,
} from '../../testing';
import { recordDomainEvent } from './service';

describe('live event stream', () => {
  let platform: TestPlatform;
  const streams: TestEventStream[] = [];
  beforeAll(async () => {
    platform = await createTestPlatform({ eventStream: { heartbeatMs: 100, replayPageSize: 50 } });
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(() => platform.close());

  async function open(
    token: string,
    options: { baseUrl?: string; query?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<TestEventStream> {
    const baseUrl = options.baseUrl ?? platform.baseUrl;
    const ticket = await getStreamTicket(baseUrl, token);
    const stream = await openTestEventStream(baseUrl, { token: ticket, ...options.query }, options.headers);
    streams.push(stream);
    return stream;
  }

  function recordOrderEvent(
    organizationId: string,
    type: 'order.created' | 'order.updated' | 'order.cancelled' = 'order.created',
    resourceId = randomUUID(),
  ) {
    return platform.database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, sampleEvent(type, { organizationId, resourceId })));
  }

  const ids = (stream: TestEventStream) => stream.events.map((e) => e.id);
  const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

  describe('tickets', () => {
    it('are issued to callers with events:read and stored only as a hash', async () => {
      const merchant = await createTestMerchant(platform);
      const res = await requestStreamTicket(platform.baseUrl, merchant.token);
      expect(res.status).toBe(200);
      expect(res.body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(res.body.streamUrl).toBe(
        `${platform.config.publicUrl}/api/events/stream?token=${res.body.ticket}`,
      );
      const lifetime = Date.parse(res.body.expiresAt) - Date.now();
      expect(lifetime).toBeGreaterThan(50_000);
      expect(lifetime).toBeLessThanOrEqual(61_000);

      const rows = await platform.database.db.selectFrom('stream_tickets').selectAll().execute();
      const hash = createHash('sha256').update(res.body.ticket).digest('hex');
      expect(rows.map((r) => r.hash)).toContain(hash);
      expect(JSON.stringify(rows)).not.toContain(res.body.ticket);
    });

    it('are refused without a token (401) and without events:read (403)', async () => {
      expect((await requestStreamTicket(platform.baseUrl)).status).toBe(401);
      const sponsor = await createTestOrganization(platform, 'sponsor');
      const sponsorUser = await createTestUser(platform, sponsor, ['sponsor_admin']);
      const res = await requestStreamTicket(platform.baseUrl, sponsorUser.token);
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('This requires the permission events:read.');
    });

    it('are required: none, unknown, reused and expired are 401 problems naming the token', async () => {
      const merchant = await createTestMerchant(platform);
      const expectRejected = async (query: string) => {
        const res = await http(platform.baseUrl, 'GET', `/api/events/stream${query}`);
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body.errors[0].field).toBe('token');
        expect(res.body.traceId).toBe(res.headers.get('x-trace-id'));
        return res.body;
      };
      expect((await expectRejected('')).errors[0].message).toBe('is required');
      await expectRejected('?token=not-a-ticket');

      const ticket = await getStreamTicket(platform.baseUrl, merchant.token);
      const first = await openTestEventStream(platform.baseUrl, { token: ticket });
      streams.push(first);
      await expectRejected(`?token=${ticket}`);

      const expired = await getStreamTicket(platform.baseUrl, merchant.token);
      await platform.database.db
        .updateTable('stream_tickets')
        .set({ expires_at: sql<Date>`now() - interval '1 second'` })
        .where('hash', '=', createHash('sha256').update(expired).digest('hex'))
        .execute();
      await expectRejected(`?token=${expired}`);
    });

    it('opens exactly one stream when two requests race with the same ticket', async () => {
      const merchant = await createTestMerchant(platform);
      const ticket = await getStreamTicket(platform.baseUrl, merchant.token);
      const controller = new AbortController();
      const attempts = await Promise.all(
        [1, 2, 3].map(() =>
          fetch(`${platform.baseUrl}/api/events/stream?token=${ticket}`, { signal: controller.signal }),
        ),
      );
      expect(attempts.map((r) => r.status).sort()).toEqual([200, 401, 401]);
      controller.abort();
    });

    it('no longer open a stream once the holder is disabled', async () => {
      const merchant = await createTestMerchant(platform);
      const ticket = await getStreamTicket(platform.baseUrl, merchant.token);
      await platform.database.db
        .updateTable('users')
        .set({ status: 'disabled' })
        .where('id', '=', merchant.user.id)
        .execute();
      const res = await http(platform.baseUrl, 'GET', `/api/events/stream?token=${ticket}`);
      expect(res.status).toBe(401);
      expect(res.body.detail).toBe('This account no longer exists or is disabled.');
    });
  });

  it('sends an event recorded after the stream opened, as id/event/data frames', async () => {
    const merchant = await createTestMerchant(platform);
    const stream = await open(merchant.token);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('cache-control')).toBe('no-cache');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('x-trace-id')).toBeTruthy();

    const recorded = await recordOrderEvent(merchant.user.organization.id);
    await stream.until(() => stream.events.length === 1, 'the event');
    expect(stream.events[0]).toEqual({ id: recorded.id, event: 'order.created', data: recorded });
    expect(Object.keys(stream.events[0]!.data)).toEqual([
      'id',
      'type',
      'resourceType',
      'resourceId',
      'sequence',
      'organizationId',
      'occurredAt',
      'data',
    ]);
  });

  it('sends heartbeats while nothing happens', async () => {
    const merchant = await createTestMerchant(platform);
    const stream = await open(merchant.token);
    await stream.until(
      () => stream.comments.filter((c) => c === 'heartbeat').length >= 3,
      'three heartbeats',
    );
    expect(stream.events).toEqual([]);
  });

  it('keeps merchants apart, while an operator sees every organization', async () => {
    const [a, b] = [
      await createTestMerchant(platform, 'Shop A'),
      await createTestMerchant(platform, 'Shop B'),
    ];
    const admin = await createTestPlatformAdmin(platform);
    const [streamA, streamB, operator] = [await open(a.token), await open(b.token), await open(admin.token)];

    const eventA = await recordOrderEvent(a.user.organization.id);
    const eventB = await recordOrderEvent(b.user.organization.id);
    await operator.until(() => operator.events.length >= 2, 'both events on the operator stream');
    await streamA.until(() => streamA.events.length >= 1, 'A’s event');
    await streamB.until(() => streamB.events.length >= 1, 'B’s event');
    await settle(200);

    expect(ids(operator)).toEqual([eventA.id, eventB.id]);
    expect(ids(streamA)).toEqual([eventA.id]);
    expect(ids(streamB)).toEqual([eventB.id]);
  });

  describe('resuming', () => {
    it('replays exactly the missed events after Last-Event-ID, in order, then continues live', async () => {
      const merchant = await createTestMerchant(platform);
      const other = await createTestMerchant(platform);
      const organizationId = merchant.user.organization.id;
      const first = await open(merchant.token);
      const seen = await recordOrderEvent(organizationId);
      await first.until(() => first.events.length === 1, 'the first event');
      first.close();

      const missed = [];
      for (const type of ['order.created', 'order.updated', 'order.cancelled'] as const) {
        missed.push(await recordOrderEvent(organizationId, type));
        await recordOrderEvent(other.user.organization.id);
      }

      const resumed = await open(merchant.token, { headers: { 'last-event-id': seen.id } });
      await resumed.until(() => resumed.events.length === 3, 'the missed events');
      expect(ids(resumed)).toEqual(missed.map((e) => e.id));
      expect(resumed.events.map((e) => e.event)).toEqual([
        'order.created',
        'order.updated',
        'order.cancelled',
      ]);

      const later = await recordOrderEvent(organizationId);
      await resumed.until(() => resumed.events.length === 4, 'the live event');
      await settle(200);
      expect(ids(resumed)).toEqual([...missed.map((e) => e.id), later.id]);
    });

    it('replays a backlog page by page while new events keep coming, without gaps or repeats', async () => {
      const merchant = await createTestMerchant(platform);
      const organizationId = merchant.user.organization.id;
      const seen = await recordOrderEvent(organizationId);
      const backlog = await platform.database.db.transaction().execute(async (trx) => {
        const recorded = [];
        for (let n = 0; n < 120; n++) {
          recorded.push(await recordDomainEvent(trx, sampleEvent('order.created', { organizationId })));
        }
        return recorded;
      });
      const resumed = await open(merchant.token, { headers: { 'last-event-id': seen.id } });
      const live = [];
      for (let n = 0; n < 10; n++) live.push(await recordOrderEvent(organizationId));
      await resumed.until(() => resumed.events.length >= 130, 'backlog and live events');
      await settle(200);
      expect(ids(resumed)).toEqual([...backlog, ...live].map((e) => e.id));
    });

    it('takes the position from a lastEventId parameter too, the header winning over it', async () => {
      const merchant = await createTestMerchant(platform);
      const organizationId = merchant.user.organization.id;
      const [e1, e2, e3] = [
        await recordOrderEvent(organizationId),
        await recordOrderEvent(organizationId),
        await recordOrderEvent(organizationId),
      ];
      const byParameter = await open(merchant.token, { query: { lastEventId: e1.id } });
      await byParameter.until(() => byParameter.events.length === 2, 'two replayed events');
      expect(ids(byParameter)).toEqual([e2.id, e3.id]);

      const both = await open(merchant.token, {
        query: { lastEventId: e1.id },
        headers: { 'last-event-id': e2.id },
      });
      await both.until(() => both.events.length === 1, 'one replayed event');
      await settle(200);
      expect(ids(both)).toEqual([e3.id]);
    });

    it('rejects a malformed or unknown event id with a 400 naming the field', async () => {
      const merchant = await createTestMerchant(platform);
      const attempt = async (query: string, headers: Record<string, string> = {}) => {
        const ticket = await getStreamTicket(platform.baseUrl, merchant.token);
        return http(platform.baseUrl, 'GET', `/api/events/stream?token=${ticket}${query}`, { headers });
      };
      const malformed = await attempt('', { 'last-event-id': 'yesterday' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.errors).toEqual([
        { field: 'Last-Event-ID', message: 'must be an event id (a UUID)', code: 'invalid_uuid' },
      ]);
      const unknown = await attempt(`&lastEventId=${randomUUID()}`);
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([
        { field: 'lastEventId', message: 'is not a known event id', code: 'unknown_event' },
      ]);
    });
  });

  it('orders the stream by commit, so an event recorded earlier but committed later is never skipped', async () => {
    const merchant = await createTestMerchant(platform);
    const organizationId = merchant.user.organization.id;
    const before = await recordOrderEvent(organizationId);
    const stream = await open(merchant.token);

    let releaseSlow: () => void = () => undefined;
    const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowRecorded: (id: string) => void = () => undefined;
    const slowId = new Promise<string>((resolve) => (slowRecorded = resolve));
    // Records its event first, then stays open while a later transaction records and commits another.
    const slow = platform.database.db.transaction().execute(async (trx) => {
      const event = await recordDomainEvent(trx, sampleEvent('order.created', { organizationId }));
      slowRecorded(event.id);
      await slowMayCommit;
      return event;
    });
    await slowId;
    const fast = await recordOrderEvent(organizationId, 'order.updated');
    await stream.until(() => stream.events.length === 1, 'the committed event, not held back');
    expect(ids(stream)).toEqual([fast.id]);

    releaseSlow();
    const slowEvent = await slow;
    await stream.until(() => stream.events.length === 2, 'the slow event once committed');
    expect(ids(stream)).toEqual([fast.id, slowEvent.id]);

    const resumedAtFast = await open(merchant.token, { headers: { 'last-event-id': fast.id } });
    await resumedAtFast.until(() => resumedAtFast.events.length === 1, 'the event committed after it');
    expect(ids(resumedAtFast)).toEqual([slowEvent.id]);
    const resumed = await open(merchant.token, { headers: { 'last-event-id': before.id } });
    await resumed.until(() => resumed.events.length === 2, 'both events replayed');
    await settle(200);
    expect(ids(resumed)).toEqual([fast.id, slowEvent.id]);
  });

  it('delivers every event of many concurrent writers once, in the order a replay gives', async () => {
    const merchant = await createTestMerchant(platform);
    const organizationId = merchant.user.organization.id;
    const before = await recordOrderEvent(organizationId);
    const stream = await open(merchant.token);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const recorded = await Promise.all(
      Array.from({ length: 24 }, (_, n) =>
        platform.database.db.transaction().execute(async (trx) => {
          const event = await recordDomainEvent(trx, sampleEvent('order.created', { organizationId }));
          // Commit in a different order than the events were recorded.
          await pause((n * 7) % 40);
          return event.id;
        }),
      ),
    );
    await stream.until(() => stream.events.length >= recorded.length, 'every concurrent event');
    await settle(200);
    expect([...ids(stream)].sort()).toEqual([...recorded].sort());

    const replayed = await open(merchant.token, { headers: { 'last-event-id': before.id } });
    await replayed.until(() => replayed.events.length >= recorded.length, 'the replay');
    expect(ids(replayed)).toEqual(ids(stream));
  });

  it('fans out an event committed through one server to a stream held by another', async () => {
    const database = createDatabase({ connectionString: platform.database.connectionString, max: 3 });
    const deps = await createAppDeps(platform.config, database, createLogger(platform.config));
    const second = await buildServer(deps);
    try {
      const secondUrl = await second.listen({ host: '127.0.0.1', port: 0 });
      const admin = await createTestPlatformAdmin(platform);
      const operator = await open(admin.token, { baseUrl: secondUrl });

      const registered = await http(platform.baseUrl, 'POST', '/api/auth/register', {
        body: {
          organizationName: 'Other Process BV',
          name: 'Olga',
          email: `olga-${randomUUID()}@example.test`,
          password: 'correct horse battery',
        },
      });
      expect(registered.status).toBe(200);
      await operator.until(
        () => operator.events.some((e) => e.event === 'organization.registered'),
        'the registration on the other server',
      );
      const event = operator.events.find((e) => e.event === 'organization.registered');
      expect(event?.data.organizationId).toBe(registered.body.user.organization.id);

      // Closing that server ends its streams and drops connections never used for a request, instead of
      // waiting for either; its listening connection goes back to the pool's end.
      const { port } = second.server.address() as AddressInfo;
      const unused = connect(port, '127.0.0.1');
      await new Promise((resolve) => unused.once('connect', resolve));
      await second.close();
      await operator.until(() => operator.ended(), 'the stream to end');
      expect(unused.destroyed || unused.readableEnded).toBe(true);
      expect(second.eventHub.listenerPid).toBeUndefined();
    } finally {
      await second.close();
      await database.close();
    }
  });

  it('stops serving a stream the client left', async () => {
    const merchant = await createTestMerchant(platform);
    const hub = platform.server.eventHub;
    const before = hub.streamCount;
    const stream = await open(merchant.token);
    expect(hub.streamCount).toBe(before + 1);
    stream.close();
    await stream.until(() => hub.streamCount === before, 'the hub to forget the stream');
  });

  it('listens again after losing its connection, and delivers what committed meanwhile', async () => {
    const merchant = await createTestMerchant(platform);
    const organizationId = merchant.user.organization.id;
    const stream = await open(merchant.token);
    const hub = platform.server.eventHub;
    const lostPid = hub.listenerPid;
    await sql`select pg_terminate_backend(${lostPid})`.execute(platform.database.db);
    const duringOutage = await recordOrderEvent(organizationId);
    await stream.until(() => hub.listenerPid !== undefined && hub.listenerPid !== lostPid, 'a new listener');
    const afterwards = await recordOrderEvent(organizationId);
    await stream.until(() => stream.events.length === 2, 'both events');
    expect(ids(stream)).toEqual([duringOutage.id, afterwards.id]);
  });
});
