import { listenToChannel, type ChannelListener, type Db, type DbPool } from '@ipay/db';
import type { RequestLogger } from '../../context';
import { readFeed, readFeedHorizon, writersStillOpen, type FeedEvent, type FeedHorizon } from './event-feed';
import { DOMAIN_EVENTS_CHANNEL } from './service';

export interface FeedSubscriber {
  /** Every event past the subscription's cursor, once, in stream order. Must not throw or block. */
  deliver(event: FeedEvent): void;
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
  /** How often to look again while waiting for in-flight writers or after a failed read. */
  retryMs?: number;
  reconnectDelayMs?: { initial: number; max: number };
}

const PAGE_SIZE = 500;

/**
 * One per API process: LISTENs on the domain-events channel on a dedicated connection and fans committed
 * events out to the process's open streams, in stream-position order. Notifications only wake it up; what
 * it publishes it reads from the table after its cursor, so a notification missed while the connection
 * was down (it reconnects with backoff) costs latency, never an event.
 */
export class EventHub {
  readonly #db: Db;
  readonly #pool: DbPool;
  readonly #logger: RequestLogger;
  readonly #retryMs: number;
  readonly #reconnectDelay: { initial: number; max: number };
  readonly #subscribers = new Set<FeedSubscriber>();
  #cursor = 0;
  #pending: FeedHorizon | undefined;
  #listener: ChannelListener | undefined;
  #pump: Promise<void> | undefined;
  #pumpAgain = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectAttempts = 0;
  #accepting = true;
  #stopped = false;

  constructor(options: EventHubOptions) {
    this.#db = options.db;
    this.#pool = options.pool;
    this.#logger = options.logger;
    this.#retryMs = options.retryMs ?? 100;
    this.#reconnectDelay = options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
  }

  /** The process id of the listening connection, while there is one (for tests and diagnostics). */
  get listenerPid(): number | undefined {
    return this.#listener?.pid;
  }

  /** Open streams in this process. */
  get streamCount(): number {
    return this.#subscribers.size;
  }

  /** Listens first, then settles the starting cursor, so nothing committed after it goes unannounced. */
  async start(): Promise<void> {
    await this.#listen();
    const horizon = await readFeedHorizon(this.#db);
    while (!this.#stopped && (await writersStillOpen(this.#db, horizon.openWriters))) {
      await delay(this.#retryMs);
    }
    this.#cursor = horizon.position;
  }

  subscribe(subscriber: FeedSubscriber): FeedSubscription {
    if (!this.#accepting) {
      subscriber.close();
      return { cursor: this.#cursor, unsubscribe: () => undefined };
    }
    this.#subscribers.add(subscriber);
    return { cursor: this.#cursor, unsubscribe: () => this.#subscribers.delete(subscriber) };
  }

  /** Ends every open stream and refuses new ones: open responses would keep the server from closing. */
  endStreams(): void {
    this.#accepting = false;
    for (const subscriber of this.#subscribers) subscriber.close();
    this.#subscribers.clear();
  }

  async stop(): Promise<void> {
    this.endStreams();
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#reconnectTimer);
    this.#listener?.close();
    this.#listener = undefined;
    await this.#pump;
  }

  async #listen(): Promise<void> {
    const listener = await listenToChannel(this.#pool, DOMAIN_EVENTS_CHANNEL, {
      onNotification: () => this.#requestPump(),
      onLost: (error) => {
        this.#listener = undefined;
        this.#logger.warn({ err: error }, 'event hub lost its listening connection; reconnecting');
        this.#scheduleReconnect();
      },
    });
    if (this.#stopped) return listener.close();
    this.#listener = listener;
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const { initial, max } = this.#reconnectDelay;
    const wait = Math.min(max, initial * 2 ** this.#reconnectAttempts++);
    this.#reconnectTimer = setTimeout(() => {
      this.#listen().then(
        () => {
          this.#reconnectAttempts = 0;
          this.#logger.info('event hub listening again');
          // Catch up on whatever committed while nobody was listening.
          this.#requestPump();
        },
        (error: unknown) => {
          this.#logger.warn({ err: error }, 'event hub could not reconnect');
          this.#scheduleReconnect();
        },
      );
    }, wait);
    this.#reconnectTimer.unref();
  }

  #requestPump(): void {
    if (this.#stopped) return;
    if (this.#pump) {
      this.#pumpAgain = true;
      return;
    }
    this.#pump = this.#runPump().finally(() => {
      this.#pump = undefined;
    });
  }

  async #runPump(): Promise<void> {
    try {
      do {
        this.#pumpAgain = false;
        const settled = await this.#advance();
        if (!settled) {
          this.#scheduleRetry();
          return;
        }
      } while (this.#pumpAgain && !this.#stopped);
    } catch (error) {
      if (this.#stopped) return;
      this.#logger.warn({ err: error }, 'event hub could not read events; retrying');
      this.#scheduleRetry();
    }
  }

  /**
   * Publishes everything up to the pending horizon once its writers have ended; false while they have not.
   * A horizon is kept until it clears, so a steady stream of new writers cannot postpone it forever.
   */
  async #advance(): Promise<boolean> {
    const kept = this.#pending !== undefined;
    this.#pending ??= await readFeedHorizon(this.#db);
    const upTo = this.#pending.position;
    if (upTo > this.#cursor) {
      if (await writersStillOpen(this.#db, this.#pending.openWriters)) return false;
      while (this.#cursor < upTo && !this.#stopped) {
        const page = await readFeed(this.#db, { after: this.#cursor, upTo, limit: PAGE_SIZE });
        for (const event of page) this.#publish(event);
        this.#cursor = page.length < PAGE_SIZE ? upTo : (page.at(-1)?.position ?? upTo);
      }
    }
    this.#pending = undefined;
    // A horizon kept from an earlier pass predates the notifications that arrived while it waited: look again.
    if (kept) this.#pumpAgain = true;
    return true;
  }

  #publish(event: FeedEvent): void {
    for (const subscriber of this.#subscribers) {
      try {
        subscriber.deliver(event);
      } catch (error) {
        this.#logger.error({ err: error }, 'an event stream failed to take an event');
      }
    }
  }

  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#requestPump();
    }, this.#retryMs);
    this.#retryTimer.unref();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
