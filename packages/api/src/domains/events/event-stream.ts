import type { DbExecutor } from '@ipay/db';
import type { RequestLogger } from '../../context';
import { canSee, readFeedPages, type FeedEvent, type StreamViewer } from './event-feed';
import type { EventHub } from './event-hub';
import type { DomainEvent } from './schemas';

export interface EventStreamSettings {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number;
  /** A client this far behind is cut off; it resumes with Last-Event-ID and is replayed from the table. */
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
  /** False when the client is not keeping up; the chunk is buffered anyway. */
  write(chunk: string): boolean;
  bufferedBytes(): number;
  /** Resolves when the buffer has room again, or the sink has closed. */
  drained(): Promise<void>;
  end(): void;
}

export function sseEvent(event: DomainEvent): string {
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
  return `id: ${event.id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Live events kept while a replay runs; a replay this far behind ends, and the client resumes later. */
const MAX_HELD_BACK_EVENTS = 10_000;

const SSE_HEARTBEAT = ': heartbeat\n\n';
const SSE_OPENED = ': connected\n\n';

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
  const heldBack: FeedEvent[] = [];
  let heartbeat: NodeJS.Timeout | undefined;

  const subscription = hub.subscribe({
    deliver(event) {
      if (!canSee(viewer, event)) return;
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

  function stop(): void {
    if (stopped) return;
    stopped = true;
    subscription.unsubscribe();
    clearInterval(heartbeat);
    sink.end();
  }

  function write(chunk: string): boolean {
    if (stopped) return false;
    const roomLeft = sink.write(chunk);
    if (sink.bufferedBytes() > settings.maxBufferedBytes) {
      logger.warn('event stream client too far behind; closing its stream');
      stop();
    }
    return roomLeft;
  }

  function send(feedEvent: FeedEvent): boolean {
    if (feedEvent.position <= sentPosition) return true;
    sentPosition = feedEvent.position;
    return write(sseEvent(feedEvent.event));
  }

  async function replay(after: number, upTo: number): Promise<void> {
    for await (const page of readFeedPages(db, { after, upTo, limit: settings.replayPageSize, viewer })) {
      if (stopped) return;
      let roomLeft = true;
      for (const feedEvent of page) roomLeft = send(feedEvent);
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
      for (const feedEvent of heldBack.splice(0)) send(feedEvent);
    },
    (error: unknown) => {
      logger.warn({ err: error }, 'event stream replay failed; closing the stream');
      stop();
    },
  );

  return { stop };
}
