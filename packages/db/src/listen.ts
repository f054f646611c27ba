import pg from 'pg';

/** What a listener logs: pino's loggers fit. */
export interface ListenerLogger {
  warn(details: { err: unknown }, message: string): void;
  info(message: string): void;
}

export interface ListenerOptions {
  /** Whose connection settings the listener's own connection uses; it takes no connection from this pool. */
  pool: pg.Pool;
  channels: readonly string[];
  /** Who listens, as log lines name it ("event hub"). */
  name: string;
  logger: ListenerLogger;
  onNotification(payload: string, channel: string): void;
  /**
   * After every LISTEN is in place: the first time and after each reconnection. Notifications sent while nobody
   * listened are gone, so a caller that must not miss anything catches up here. Must not throw.
   */
  onConnect?(): void;
  /** The connection was lost: nothing is heard until the next onConnect. Must not throw. */
  onLost?(error: Error): void;
  /** How long to wait before each attempt to listen again, doubling from `initial` up to `max`. */
  reconnectDelayMs?: { initial: number; max: number };
}

/**
 * LISTENs on some channels on a dedicated connection (not a pooled one: LISTEN state must not reach a query's
 * connection, and a long-held listener must not shrink the pool), and keeps doing so: a failed attempt or a lost
 * connection is logged and followed by another attempt with backoff, until `stop`.
 */
export class Listener {
  readonly #options: ListenerOptions;
  #client: pg.Client | undefined;
  #pid: number | undefined;
  #connecting: Promise<void> | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #attempts = 0;
  #stopped = false;

  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  /** The server process holding the LISTEN, while there is one (to find it in pg_stat_activity). */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** Every LISTEN is in place on a live connection: from just before `onConnect` until just before `onLost`. */
  get connected(): boolean {
    return this.#client !== undefined;
  }

  /** Resolves after the first attempt; should it fail, the listener keeps trying as after a lost connection. */
  start(): Promise<void> {
    return this.#connect();
  }

  /** Stops listening and trying to: once it resolves, no connection or timer of the listener is left. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    await this.#connecting;
    const client = this.#client;
    this.#forget();
    await client?.end().catch(() => undefined);
  }

  #connect(): Promise<void> {
    const reconnecting = this.#attempts > 0;
    this.#connecting = this.#open()
      .then(
        ({ client, pid }) => {
          if (this.#stopped) return client.end();
          this.#client = client;
          this.#pid = pid;
          this.#attempts = 0;
          if (reconnecting) this.#options.logger.info(`${this.#options.name} listening again`);
          this.#options.onConnect?.();
        },
        (error: unknown) => {
          this.#options.logger.warn({ err: error }, `${this.#options.name} could not listen; retrying`);
          this.#scheduleReconnect();
        },
      )
      .finally(() => {
        this.#connecting = undefined;
      });
    return this.#connecting;
  }

  async #open(): Promise<{ client: pg.Client; pid: number }> {
    const client = new pg.Client(this.#options.pool.options);
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the listening connection ended')));
    client.on('notification', ({ channel, payload }) => {
      if (client === this.#client) this.#options.onNotification(payload ?? '', channel);
    });
    try {
      await client.connect();
      for (const channel of this.#options.channels) {
        await client.query(`listen ${client.escapeIdentifier(channel)}`);
      }
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      return { client, pid: rows[0]?.pid ?? 0 };
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Only the connection in use counts: one still opening or already given up reports through its caller. */
  #lost(client: pg.Client, error: Error): void {
    if (client !== this.#client) return;
    this.#forget();
    client.end().catch(() => undefined);
    this.#options.logger.warn(
      { err: error },
      `${this.#options.name} lost its listening connection; reconnecting`,
    );
    this.#options.onLost?.(error);
    this.#scheduleReconnect();
  }

  #forget(): void {
    this.#client = undefined;
    this.#pid = undefined;
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    const { initial, max } = this.#options.reconnectDelayMs ?? { initial: 250, max: 10_000 };
    const wait = Math.min(max, initial * 2 ** this.#attempts++);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      void this.#connect();
    }, wait);
    this.#reconnectTimer.unref();
  }
}
