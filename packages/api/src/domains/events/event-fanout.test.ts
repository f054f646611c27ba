import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestMerchant, createTestPlatform, sampleEvent, type TestPlatform } from '../../testing';
import type { Actor } from '../auth/service';
import type { DataScope } from '../rbac/catalogue';
import { findStreamPosition } from './event-feed';
import { serveEventStream, type EventStreamSettings, type StreamSink } from './event-stream';
import { recordDomainEvent } from './service';

/**
 * A response stand-in that keeps what it is given; one that never drains is a client that stopped reading. Only
 * the `order.created` frames count: the merchants' own registration may reach a stream opened right after it.
 */
function memorySink(drains: boolean) {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let state: 'open' | 'ended' | 'aborted' = 'open';
  const sink: StreamSink = {
    write(chunk) {
      chunks.push(chunk);
      if (!drains) buffered += chunk.length;
      return drains;
    },
    bufferedBytes: () => buffered,
    drained: () => Promise.resolve(),
    end: () => (state = 'ended'),
    abort: () => (state = 'aborted'),
  };
  const frames = () => chunks.filter((chunk) => chunk.toString().includes('\nevent: order.created\n'));
  const ids = () => frames().map((chunk) => chunk.toString().split('\n')[0]?.slice(4));
  return { sink, frames, ids, state: () => state };
}

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('live fan-out', () => {
  let platform: TestPlatform;
  const settings: EventStreamSettings = { heartbeatMs: 60_000, maxBufferedBytes: 2_000, replayPageSize: 50 };
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  function viewer(actor: { userId: string; organizationId: string }, scope: DataScope) {
    const full: Actor = {
      ...actor,
      email: 'viewer@example.test',
      organizationType: 'merchant',
      permissions: [],
    };
    return { actor: full, scope };
  }

  function open(view: ReturnType<typeof viewer>, drains = true) {
    const received = memorySink(drains);
    const stream = serveEventStream(platform.database.db, {
      hub: platform.server.eventHub,
      request: { viewer: view, resumeAfter: undefined },
      sink: received.sink,
      settings,
      logger: platform.deps.logger,
    });
    return { ...received, stop: stream.stop };
  }

  function record(organizationId: string | null, actorUserId: string | null = null) {
    return platform.database.db
      .transaction()
      .execute((trx) =>
        recordDomainEvent(trx, sampleEvent('order.created', { organizationId, actorUserId })),
      );
  }

  it('hands each event to exactly the streams whose scope sees it, one frame shared by all of them', async () => {
    const [a, b] = [await createTestMerchant(platform), await createTestMerchant(platform)];
    const userA = { userId: a.user.id, organizationId: a.user.organization.id };
    const userB = { userId: b.user.id, organizationId: b.user.organization.id };
    const everyone = open(viewer(userA, 'all'));
    const organizationA = open(viewer(userA, 'organization'));
    const carrierA = open(viewer(userA, 'carrier'));
    const ownA = open(viewer(userA, 'own'));
    const organizationB = open(viewer(userB, 'organization'));

    const byA = await record(userA.organizationId, userA.userId);
    const inA = await record(userA.organizationId);
    const inB = await record(userB.organizationId);
    const byANowhere = await record(null, userA.userId);
    await until(() => everyone.ids().length === 4, 'every event on the all-scope stream');
    for (const stream of [everyone, organizationA, carrierA, ownA, organizationB]) stream.stop();

    expect(everyone.ids()).toEqual([byA.id, inA.id, inB.id, byANowhere.id]);
    expect(organizationA.ids()).toEqual([byA.id, inA.id]);
    expect(carrierA.ids()).toEqual([byA.id, inA.id]);
    expect(ownA.ids()).toEqual([byA.id, byANowhere.id]);
    expect(organizationB.ids()).toEqual([inB.id]);
    expect(organizationA.frames()[0]).toBe(everyone.frames()[0]);
    expect(ownA.frames()[0]).toBe(everyone.frames()[0]);
  });

  it('drops a stream whose client stopped reading once it is too far behind, and keeps serving the others', async () => {
    const merchant = await createTestMerchant(platform);
    const user = { userId: merchant.user.id, organizationId: merchant.user.organization.id };
    const hub = platform.server.eventHub;
    const before = hub.streamCount;
    const stuck = open(viewer(user, 'organization'), false);
    const reading = open(viewer(user, 'organization'));

    const recorded = [];
    for (let n = 0; n < 10; n++) recorded.push(await record(user.organizationId));
    await until(() => reading.ids().length === recorded.length, 'every event on the reading stream');

    expect(reading.ids()).toEqual(recorded.map((event) => event.id));
    expect(reading.state()).toBe('open');
    expect(stuck.state()).toBe('aborted');
    expect(stuck.ids().length).toBeLessThan(recorded.length);
    expect(hub.streamCount).toBe(before + 1);
    reading.stop();
    expect(reading.state()).toBe('ended');
  });

  it('moves past what commits while no stream is open, so a stream opened later starts after it', async () => {
    const merchant = await createTestMerchant(platform);
    const user = { userId: merchant.user.id, organizationId: merchant.user.organization.id };
    const hub = platform.server.eventHub;
    expect(hub.streamCount).toBe(0);
    const unseen = [];
    for (let n = 0; n < 3; n++) unseen.push(await record(user.organizationId));
    const position = await findStreamPosition(platform.database.db, unseen.at(-1)?.id ?? '');
    expect(position).toBeGreaterThan(0);
    await until(() => hub.cursor >= (position ?? Infinity), 'the hub past the events no stream saw');

    const stream = open(viewer(user, 'organization'));
    const seen = await record(user.organizationId);
    await until(() => stream.ids().length > 0, 'the event recorded after the stream opened');
    stream.stop();
    expect(stream.ids()).toEqual([seen.id]);
  });
});
