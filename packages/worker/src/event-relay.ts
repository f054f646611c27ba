import {
  DOMAIN_EVENT_CONSUMERS,
  DOMAIN_EVENTS_CHANNEL,
  relayDomainEvents,
  type DomainEventConsumer,
} from '@ipay/api';
import { listenToChannel, type ChannelListener, type Db, type DbPool } from '@ipay/db';
import type { Logger } from 'pino';

export interface EventRelayOptions {
  db: Db;
  pool: DbPool;
  logger: Logger;
  consumers?: readonly DomainEventConsumer[];
  batchSize?: number;
  /** The fallback when a notification is missed (connection down); LISTEN wakes the relay otherwise. */
  pollMs?: number;
  /** How soon to look again after finding another worker's relay at work, or after a failed pass. */
  retryMs?: number;
  reconnectDelayMs?: { initial: number; max: number };
}

/**
 * The worker's side of the relay (events/relay.ts): wakes on every notification of DOMAIN_EVENTS_CHANNEL
 * (one per committed transaction that recorded events), and on a fallback poll, and relays batch after batch
 * until nothing is past the cursor. Every worker runs one; the cursor row's SKIP LOCKED lock lets one of them
 * work at a time, and one that finds it busy looks again shortly, so an event committed while the other was
 * finishing is not left for the poll. A lost listening connection is reopened with backoff; stopping finishes
 * the batch in hand.
 */
export class EventRelay {
  readonly #options: EventRelayOptions;
  readonly #consumers: readonly DomainEventConsumer[];
  #listener: ChannelListener | undefined;
  #pass: Promise<void> | undefined;
  #passAgain = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectAttempts = 0;
  #failures = 0;
  #stopped = false;

  constructor(options: EventRelayOptions) {
    this.#options = options;
    this.#consumers = options.consumers ?? DOMAIN_EVENT_CONSUMERS;
  }

  /** Listens (or keeps trying to, in the background), starts the poll and relays what is already waiting. */
  async start(): Promise<void> {
    try {
      await this.#listen();
    } catch (error) {
      this.#options.logger.warn(
        { err: error },
        'event relay could not listen; relying on the poll meanwhile',
      );
      this.#scheduleReconnect();
    }
    this.#pollTimer = setInterval(() => this.#requestPass(), this.#options.pollMs ?? 2_000);
    this.#pollTimer.unref();
    this.#requestPass();
  }

  /** Stops listening and polling; the batch being relayed is finished (or rolled back) first. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#pollTimer);
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#reconnectTimer);
    this.#listener?.close();
    this.#listener = undefined;
    await this.#pass;
  }

  /** Settles once no pass is running (the one start() begins included): for tests. */
  async idle(): Promise<void> {
    while (this.#pass) await this.#pass;
  }

  /** The process id of the listening connection, while there is one (for tests). */
  get listenerPid(): number | undefined {
    return this.#listener?.pid;
  }

  async #listen(): Promise<void> {
    const listener = await listenToChannel(this.#options.pool, DOMAIN_EVENTS_CHANNEL, {
      onNotification: () => this.#requestPass(),
      onLost: (error) => {
        this.#listener = undefined;
        this.#options.logger.warn({ err: error }, 'event relay lost its listening connection; reconnecting');
        this.#scheduleReconnect();
      },
    });
    if (this.#stopped) return listener.close();
    this.#listener = listener;
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const { initial, max } = this.#options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
    const wait = Math.min(max, initial * 2 ** this.#reconnectAttempts++);
    this.#reconnectTimer = setTimeout(() => {
      this.#listen().then(
        () => {
          this.#reconnectAttempts = 0;
          this.#options.logger.info('event relay listening again');
          this.#requestPass();
        },
        (error: unknown) => {
          this.#options.logger.warn({ err: error }, 'event relay could not reconnect');
          this.#scheduleReconnect();
        },
      );
    }, wait);
    this.#reconnectTimer.unref();
  }

  #requestPass(): void {
    if (this.#stopped) return;
    if (this.#pass) {
      this.#passAgain = true;
      return;
    }
    this.#pass = this.#runPass().finally(() => {
      this.#pass = undefined;
      // A wake-up that came during the last look must not wait for the next notification.
      if (this.#passAgain) this.#requestPass();
    });
  }

  async #runPass(): Promise<void> {
    this.#passAgain = false;
    try {
      while (!this.#stopped) {
        const outcome = await relayDomainEvents(this.#options.db, {
          consumers: this.#consumers,
          batchSize: this.#options.batchSize,
        });
        this.#failures = 0;
        if (outcome.busy) return this.#scheduleRetry();
        if (outcome.relayed === 0) return;
      }
    } catch (error) {
      if (this.#stopped) return;
      this.#failures += 1;
      this.#options.logger.warn({ err: error }, 'event relay could not relay a batch; retrying');
      this.#scheduleRetry();
    }
  }

  /** Soon after finding the cursor busy; after failures, backing off up to half a minute. */
  #scheduleRetry(): void {
    if (this.#stopped || this.#retryTimer) return;
    const base = this.#options.retryMs ?? 250;
    const wait = Math.min(30_000, base * 2 ** this.#failures);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#requestPass();
    }, wait);
    this.#retryTimer.unref();
  }
}
