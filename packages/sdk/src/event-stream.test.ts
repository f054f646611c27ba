import { randomUUID } from 'node:crypto';
import { recordDomainEvent } from '@ipay/api';
import {
  createTestMerchant,
  createTestOrganization,
  createTestPlatform,
  createTestUser,
  sampleEvent,
  type TestPlatform,
} from '@ipay/api/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { IpayApiError, streamEvents, type DomainEvent } from './index';
import { readServerSentEvents } from './sse';

function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('Server-Sent Events parsing', () => {
  it('handles comments, multi-line data and CRLF split across chunks, and drops an unfinished message', async () => {
    const messages = await collect(
      readServerSentEvents(
        streamOf(
          ': heartbeat\n\nid: 1\nevent: a\ndata: x\r',
          '\ndata: y\r\n\r',
          '\ndata: z\n\nid: 2\ndata: cut',
        ),
      ),
    );
    expect(messages).toEqual([
      { id: '1', event: 'a', data: 'x\ny' },
      { id: '1', event: 'message', data: 'z' },
    ]);
  });
});

describe('streamEvents against the real server', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(() => platform.close());

  function recordOrderEvent(
    organizationId: string,
    type: 'order.created' | 'order.updated' | 'order.cancelled',
  ) {
    return platform.database.db
      .transaction()
      .execute((trx) => recordDomainEvent(trx, sampleEvent(type, { organizationId })));
  }

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('yields typed events and resumes after a dropped connection without losing or repeating one', async () => {
    const merchant = await createTestMerchant(platform);
    const organizationId = merchant.user.organization.id;
    const controller = new AbortController();
    const received: DomainEvent[] = [];
    const reconnects: unknown[] = [];
    const consuming = (async () => {
      for await (const event of streamEvents({
        baseUrl: platform.baseUrl,
        token: merchant.token,
        signal: controller.signal,
        reconnectDelayMs: 200,
        onReconnect: (cause) => reconnects.push(cause),
      })) {
        expectTypeOf(event.sequence).toEqualTypeOf<number>();
        received.push(event);
      }
    })();
    await until(() => platform.server.eventHub.streamCount === 1, 'the stream to open');

    const first = await recordOrderEvent(organizationId, 'order.created');
    await until(() => received.length === 1, 'the first event');

    platform.server.server.closeAllConnections();
    const whileAway = [
      await recordOrderEvent(organizationId, 'order.updated'),
      await recordOrderEvent(organizationId, 'order.cancelled'),
    ];
    await until(() => received.length === 3, 'the events committed while disconnected');
    await until(() => platform.server.eventHub.streamCount === 1, 'the stream to reopen');
    const afterwards = await recordOrderEvent(organizationId, 'order.updated');
    await until(() => received.length === 4, 'the live event after reconnecting');

    controller.abort();
    await consuming;
    expect(received).toEqual([first, ...whileAway, afterwards]);
    // At least the dropped stream; closing every connection may also cost a pooled keep-alive socket.
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    const usedTickets = await platform.database.db
      .selectFrom('stream_tickets')
      .select('used_at')
      .where('user_id', '=', merchant.user.id)
      .where('used_at', 'is not', null)
      .execute();
    expect(usedTickets.length).toBeGreaterThanOrEqual(2);
  });

  it('starts after a given event and finishes quietly when the loop is left', async () => {
    const merchant = await createTestMerchant(platform);
    const organizationId = merchant.user.organization.id;
    const seen = await recordOrderEvent(organizationId, 'order.created');
    const missed = await recordOrderEvent(organizationId, 'order.updated');
    for await (const event of streamEvents({
      baseUrl: platform.baseUrl,
      token: () => merchant.token,
      lastEventId: seen.id,
    })) {
      expect(event).toEqual(missed);
      break;
    }
    await until(() => platform.server.eventHub.streamCount === 0, 'the stream to close');
  });

  it('throws an IpayApiError for what reconnecting cannot fix', async () => {
    const sponsor = await createTestOrganization(platform, 'sponsor');
    const sponsorUser = await createTestUser(platform, sponsor, ['sponsor_admin']);
    const forbidden = await collect(
      streamEvents({ baseUrl: platform.baseUrl, token: sponsorUser.token }),
    ).catch((error: unknown) => error);
    expect(forbidden).toBeInstanceOf(IpayApiError);
    expect((forbidden as IpayApiError).status).toBe(403);

    const merchant = await createTestMerchant(platform);
    const unknownEvent = await collect(
      streamEvents({ baseUrl: platform.baseUrl, token: merchant.token, lastEventId: randomUUID() }),
    ).catch((error: unknown) => error);
    expect(unknownEvent).toBeInstanceOf(IpayApiError);
    expect((unknownEvent as IpayApiError).fieldError('Last-Event-ID')).toBe('is not a known event id');
  });
});
