import { Listener, type ListenerOptions } from '@ipay/db';
import { DOMAIN_EVENTS_CHANNEL } from './service';

export interface PassLoopOptions {
  /** Does all the work there is now; checks `stopped` between steps of a long pass. */
  pass(): Promise<void>;
  /** A pass failed: another follows after the retry delay. Must not throw. */
  onError(error: unknown): void;
  /** The wait before a retry: `initial` after a first failure (or for `retrySoon`), doubling up to `max`. */
  retryDelayMs: { initial: number; max: number };
}

/**
 * Runs passes over the work its readers wake it up for (the event hub, the worker's event relay), one at a time.
 * A pass requested while one runs is run once after it, however many requests came meanwhile: a wake-up that
 * arrives after the running pass has looked is never lost, and a burst of them costs one more pass, not one each.
 */
export class PassLoop {
  readonly #options: PassLoopOptions;
  #running: Promise<void> | undefined;
  #again = false;
  #failures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #started = false;
  #stopped = false;

  constructor(options: PassLoopOptions) {
    this.#options = options;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Runs the first pass; requests before it are dropped, since it looks at everything anyway. */
  start(): void {
    this.#started = true;
    this.request();
  }

  request(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#again = false;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      if (this.#again) this.request();
    });
  }

  /** Another pass after the initial retry delay: the work is held elsewhere for now. */
  retrySoon(): void {
    this.#scheduleRetry(this.#options.retryDelayMs.initial);
  }

  /** Settles once no pass is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** No more passes; the running one is finished first. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    await this.idle();
  }

  async #run(): Promise<void> {
    try {
      await this.#options.pass();
      this.#failures = 0;
    } catch (error) {
      if (this.#stopped) return;
      // Wake-ups during a failed pass wait for the retry: running again at once would spin while it fails.
      this.#again = false;
      this.#failures += 1;
      this.#options.onError(error);
      const { initial, max } = this.#options.retryDelayMs;
      this.#scheduleRetry(Math.min(max, initial * 2 ** (this.#failures - 1)));
    }
  }

  #scheduleRetry(waitMs: number): void {
    if (this.#stopped || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.request();
    }, waitMs);
    this.#retryTimer.unref();
  }
}

/**
 * Wakes the loop on every notification of the domain-events channel, and after every (re)connection, to catch up
 * on what committed while nobody listened.
 */
export function wakeOnDomainEvents(
  passes: PassLoop,
  options: Pick<ListenerOptions, 'pool' | 'name' | 'logger' | 'reconnectDelayMs'>,
): Listener {
  return new Listener({
    ...options,
    channels: [DOMAIN_EVENTS_CHANNEL],
    onNotification: () => passes.request(),
    onConnect: () => passes.request(),
  });
}
