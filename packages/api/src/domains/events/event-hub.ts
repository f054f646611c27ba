import type { Db, DbPool, Listener } from '@ipay/db';
import type { RequestLogger } from '../../context';
import { latestStreamPosition, readFeedPages, type Audience, type FeedEvent } from './event-feed';
import { sseFrame } from './event-stream';
import { PassLoop, wakeOnDomainEvents } from './pass-loop';

/** A committed event as the hub hands it out: its place in the stream and its SSE frame, encoded once. */
export interface PublishedEvent {
  position: number;
  /** Shared by every stream that receives the event: never modify it. */
  frame: Buffer;
}

export interface FeedSubscriber {
  /** Whose events it receives; fixed for the subscription's life. */
  audience: Audience;
  /** Every event of its audience past the subscription's cursor, once, in stream order. Must not throw or block. */
  deliver(event: PublishedEvent): void;
  /** The hub is shutting down: end the stream. */
  close(): void;
}

export interface FeedSubscription {
  /** Every event up to this position was committed before the subscription; every later one is delivered. */
  cursor: number;
  unsubscribe(): void;
}

export interface EventHubOptions {
  db: Db;
  pool: DbPool;
  logger: RequestLogger;
  /** How soon to read again after a failed read, doubling while reads keep failing. */
  retryDelayMs?: { initial: number; max: number };
  reconnectDelayMs?: { initial: number; max: number };
}

const PAGE_SIZE = 500;

/**
 * One per API process: LISTENs on the domain-events channel on a dedicated connection and fans committed
 * events out to the process's open streams, in stream-position order. Notifications only wake it up; what
 * it publishes it reads from the table after its cursor (positions are commit-ordered, see event-feed.ts),
 * so a notification missed while the connection was down (it reconnects with backoff, then reads) costs
 * latency, never an event.
 */
export class EventHub {
  readonly #db: Db;
  readonly #logger: RequestLogger;
  readonly #listener: Listener;
  readonly #passes: PassLoop;
  readonly #subscribers = new Set<FeedSubscriber>();
  // The same subscribers indexed by audience, so an event reaches only the streams that see it.
  readonly #everyone = new Set<FeedSubscriber>();
  readonly #byOrganization = new Map<string, Set<FeedSubscriber>>();
  readonly #byUser = new Map<string, Set<FeedSubscriber>>();
  #cursor = 0;
  #accepting = true;

  constructor(options: EventHubOptions) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.#passes = new PassLoop({
      pass: () => this.#publishCommitted(),
      onError: (error) => this.#logger.warn({ err: error }, 'event hub could not read events; retrying'),
      retryDelayMs: options.retryDelayMs ?? { initial: 100, max: 5_000 },
    });
    this.#listener = wakeOnDomainEvents(this.#passes, {
      pool: options.pool,
      name: 'event hub',
      logger: options.logger,
      reconnectDelayMs: options.reconnectDelayMs,
    });
  }

  /** The process id of the listening connection, while there is one (for tests and diagnostics). */
  get listenerPid(): number | undefined {
    return this.#listener.pid;
  }

  /** Every committed event up to this position has been handed to the streams open when it was read. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Open streams in this process. */
  get streamCount(): number {
    return this.#subscribers.size;
  }

  /**
   * Listens first, then takes the starting cursor, so nothing committed after it goes unannounced. Should the
   * first LISTEN fail, the listener keeps trying, and reads past the cursor once it is in place.
   */
  async start(): Promise<void> {
    await this.#listener.start();
    try {
      this.#cursor = await latestStreamPosition(this.#db);
    } catch (error) {
      await this.#listener.stop();
      throw error;
    }
    // Notifications that arrived before the cursor was set were dropped: the first pass looks once more.
    this.#passes.start();
  }

  subscribe(subscriber: FeedSubscriber): FeedSubscription {
    if (!this.#accepting) {
      subscriber.close();
      return { cursor: this.#cursor, unsubscribe: () => undefined };
    }
    this.#subscribers.add(subscriber);
    const leaveAudience = this.#joinAudience(subscriber);
    return {
      cursor: this.#cursor,
      unsubscribe: () => {
        if (this.#subscribers.delete(subscriber)) leaveAudience();
      },
    };
  }

  /** Ends every open stream and refuses new ones: open responses would keep the server from closing. */
  endStreams(): void {
    this.#accepting = false;
    for (const subscriber of this.#subscribers) subscriber.close();
    this.#subscribers.clear();
    this.#everyone.clear();
    this.#byOrganization.clear();
    this.#byUser.clear();
  }

  /** Adds the subscriber to its audience's group; the returned function removes it (and an emptied group). */
  #joinAudience(subscriber: FeedSubscriber): () => void {
    const { audience } = subscriber;
    if (audience.kind === 'all') {
      this.#everyone.add(subscriber);
      return () => this.#everyone.delete(subscriber);
    }
    const [index, key] =
      audience.kind === 'organization'
        ? [this.#byOrganization, audience.organizationId]
        : [this.#byUser, audience.userId];
    let group = index.get(key);
    if (!group) index.set(key, (group = new Set()));
    group.add(subscriber);
    const joined = group;
    return () => {
      joined.delete(subscriber);
      if (!joined.size && index.get(key) === joined) index.delete(key);
    };
  }

  async stop(): Promise<void> {
    this.endStreams();
    await Promise.all([this.#listener.stop(), this.#passes.stop()]);
  }

  /**
   * With no stream open, only the cursor moves: to the highest committed position, one index lookup instead of
   * the events themselves. A stream that subscribed while that lookup ran was promised every event past the
   * cursor it got, so then the events are read as usual.
   */
  async #publishCommitted(): Promise<void> {
    if (!this.#subscribers.size) {
      const latest = await latestStreamPosition(this.#db);
      if (!this.#subscribers.size) {
        this.#cursor = Math.max(this.#cursor, latest);
        return;
      }
    }
    for await (const page of readFeedPages(this.#db, { after: this.#cursor, limit: PAGE_SIZE })) {
      if (this.#passes.stopped) return;
      for (const event of page) this.#publish(event);
      this.#cursor = page.at(-1)?.position ?? this.#cursor;
    }
  }

  /**
   * Hands the event to the streams of its audiences (everyone's, its organization's, its actor's) in one pass,
   * encoding its frame once, only if some stream sees it. Each stream is in exactly one group, so it gets the
   * event at most once, and since events are published in stream order, in order.
   */
  #publish(feedEvent: FeedEvent): void {
    const { organizationId } = feedEvent.event;
    const groups = [
      this.#everyone,
      organizationId === null ? undefined : this.#byOrganization.get(organizationId),
      feedEvent.actorUserId === null ? undefined : this.#byUser.get(feedEvent.actorUserId),
    ];
    let published: PublishedEvent | undefined;
    for (const group of groups) {
      if (!group) continue;
      for (const subscriber of group) {
        published ??= { position: feedEvent.position, frame: sseFrame(feedEvent.event) };
        try {
          subscriber.deliver(published);
        } catch (error) {
          this.#logger.error({ err: error }, 'an event stream failed to take an event');
        }
      }
    }
  }
}
