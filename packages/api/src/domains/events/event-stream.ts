import type { DbExecutor } from '@ipay/db';
import type { RequestLogger } from '../../context';
import { audienceOf, readFeedPages, type StreamViewer } from './event-feed';
import type { EventHub, PublishedEvent } from './event-hub';
import type { DomainEvent } from './schemas';

export interface EventStreamSettings {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /**
   * A client this far behind (bytes written but not yet taken by its connection) is cut off, so that a slow
   * client holds bounded memory and never holds others back; it resumes with Last-Event-ID and is replayed
   * from the table.
   */
  maxBufferedBytes: number;
  replayPageSize: number;
}

export const DEFAULT_EVENT_STREAM_SETTINGS: EventStreamSettings = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  replayPageSize: 500,
};

/** Where a stream writes: an HTTP response body in production. */
export interface StreamSink {
  /** False when the client is not keeping up; the chunk is buffered anyway (by reference, not copied). */
  write(chunk: Buffer): boolean;
  bufferedBytes(): number;
  /** Resolves when the buffer has room again, or the sink has closed. */
  drained(): Promise<void>;
  /** Ends the stream once what is buffered has been sent. */
  end(): void;
  /** Drops the connection and whatever is still buffered for it. */
  abort(): void;
}

/** The event as one SSE frame, encoded once and shared by every stream that sends it. */
export function sseFrame(event: DomainEvent): Buffer {
  // The type is code-defined, but a line break in it would forge fields, so it is never sent verbatim.
  const type = event.type.replace(/[\r\n]/g, ' ');
  const data: DomainEvent = {
    id: event.id,
    type: event.type,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    sequence: event.sequence,
    organizationId: event.organizationId,
    occurredAt: event.occurredAt,
    data: event.data,
  };
  return Buffer.from(`id: ${event.id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Live events kept while a replay runs; a replay this far behind ends, and the client resumes later. */
const MAX_HELD_BACK_EVENTS = 10_000;

const SSE_HEARTBEAT = Buffer.from(': heartbeat\n\n');
const SSE_OPENED = Buffer.from(': connected\n\n');

export interface EventStreamRequest {
  viewer: StreamViewer;
  /** Replay every event of the viewer's scope after this stream position first. */
  resumeAfter: number | undefined;
}

/**
 * Serves one stream until the client leaves (call the returned `stop`), the hub shuts down or the client
 * falls too far behind. It subscribes to the hub before replaying, so events committed during the replay
 * are buffered rather than lost; the replay reads up to the subscription's cursor, and the buffer holds
 * only later positions, so draining it after the replay neither skips nor repeats an event.
 */
export function serveEventStream(
  db: DbExecutor,
  options: {
    hub: EventHub;
    request: EventStreamRequest;
    sink: StreamSink;
    settings: EventStreamSettings;
    logger: RequestLogger;
  },
): { stop: () => void } {
  const { hub, request, sink, settings, logger } = options;
  const { viewer, resumeAfter } = request;
  let stopped = false;
  let live = false;
  const heldBack: PublishedEvent[] = [];
  let heartbeat: NodeJS.Timeout | undefined;

  const subscription = hub.subscribe({
    audience: audienceOf(viewer),
    deliver(event) {
      if (live) {
        send(event);
        return;
      }
      heldBack.push(event);
      if (heldBack.length > MAX_HELD_BACK_EVENTS) {
        logger.warn('event stream replay outpaced by live events; closing the stream');
        stop();
      }
    },
    close: () => stop(),
  });
  let sentPosition = resumeAfter ?? subscription.cursor;

  function stop(how: 'end' | 'abort' = 'end'): void {
    if (stopped) return;
    stopped = true;
    subscription.unsubscribe();
    clearInterval(heartbeat);
    if (how === 'abort') sink.abort();
    else sink.end();
  }

  function write(chunk: Buffer): boolean {
    if (stopped) return false;
    const roomLeft = sink.write(chunk);
    if (sink.bufferedBytes() > settings.maxBufferedBytes) {
      logger.warn(
        { bufferedBytes: sink.bufferedBytes() },
        'event stream client too far behind; dropping its connection (it resumes with Last-Event-ID)',
      );
      stop('abort');
    }
    return roomLeft;
  }

  function send(event: PublishedEvent): boolean {
    if (event.position <= sentPosition) return true;
    sentPosition = event.position;
    return write(event.frame);
  }

  async function replay(after: number, upTo: number): Promise<void> {
    for await (const page of readFeedPages(db, { after, upTo, limit: settings.replayPageSize, viewer })) {
      if (stopped) return;
      let roomLeft = true;
      for (const feedEvent of page) {
        roomLeft = send({ position: feedEvent.position, frame: sseFrame(feedEvent.event) });
      }
      if (!roomLeft) await sink.drained();
    }
  }

  if (!stopped) heartbeat = setInterval(() => write(SSE_HEARTBEAT), settings.heartbeatMs);
  // Sent at once so the client sees the response headers without waiting for the first event.
  write(SSE_OPENED);

  const catchUp = resumeAfter === undefined ? Promise.resolve() : replay(resumeAfter, subscription.cursor);
  catchUp.then(
    () => {
      live = true;
      for (const event of heldBack.splice(0)) send(event);
    },
    (error: unknown) => {
      logger.warn({ err: error }, 'event stream replay failed; closing the stream');
      stop();
    },
  );

  return { stop: () => stop() };
}
