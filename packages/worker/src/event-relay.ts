import {
  DOMAIN_EVENT_CONSUMERS,
  PassLoop,
  relayDomainEvents,
  wakeOnDomainEvents,
  type DomainEventConsumer,
} from '@ipay/api';
import type { Db, DbPool, Listener } from '@ipay/db';
import type { Logger } from 'pino';

export interface EventRelayOptions {
  db: Db;
  pool: DbPool;
  logger: Logger;
  consumers?: readonly DomainEventConsumer[];
  batchSize?: number;
  /** The fallback when a notification is missed (connection down); LISTEN wakes the relay otherwise. */
  pollMs?: number;
  /** How soon to look again after finding another worker's relay at work, or after a failed pass (doubling up to
   * half a minute while passes keep failing). */
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
  readonly #listener: Listener;
  readonly #passes: PassLoop;
  #pollTimer: NodeJS.Timeout | undefined;

  constructor(options: EventRelayOptions) {
    this.#options = options;
    this.#consumers = options.consumers ?? DOMAIN_EVENT_CONSUMERS;
    this.#passes = new PassLoop({
      pass: () => this.#relayAll(),
      onError: (error) =>
        options.logger.warn({ err: error }, 'event relay could not relay a batch; retrying'),
      retryDelayMs: { initial: options.retryMs ?? 250, max: 30_000 },
    });
    this.#listener = wakeOnDomainEvents(this.#passes, {
      pool: options.pool,
      name: 'event relay',
      logger: options.logger,
      reconnectDelayMs: options.reconnectDelayMs,
    });
  }

  /** Listens (or keeps trying to, in the background), starts the poll and relays what is already waiting. */
  async start(): Promise<void> {
    await this.#listener.start();
    this.#pollTimer = setInterval(() => this.#passes.request(), this.#options.pollMs ?? 2_000);
    this.#pollTimer.unref();
    this.#passes.start();
  }

  /** Stops listening and polling; the batch being relayed is finished (or rolled back) first. */
  async stop(): Promise<void> {
    clearInterval(this.#pollTimer);
    await Promise.all([this.#listener.stop(), this.#passes.stop()]);
  }

  /** Settles once no pass is running (the one start() begins included): for tests. */
  idle(): Promise<void> {
    return this.#passes.idle();
  }

  /** The process id of the listening connection, while there is one (for tests). */
  get listenerPid(): number | undefined {
    return this.#listener.pid;
  }

  /** Batch after batch until nothing is past the cursor, or another worker's relay holds it. */
  async #relayAll(): Promise<void> {
    while (!this.#passes.stopped) {
      const outcome = await relayDomainEvents(this.#options.db, {
        consumers: this.#consumers,
        batchSize: this.#options.batchSize,
      });
      if (outcome.busy) return this.#passes.retrySoon();
      if (outcome.relayed === 0) return;
    }
  }
}
