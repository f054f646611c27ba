import type pg from 'pg';

export interface ChannelListener {
  /** The server process holding the LISTEN, e.g. to find it in pg_stat_activity. */
  readonly pid: number;
  close(): void;
}

export interface ListenHandlers {
  onNotification(payload: string): void;
  /** The connection failed; nothing more will be heard on it. Called at most once, never after close(). */
  onLost(error: Error): void;
}

/**
 * Holds one pooled connection for as long as it LISTENs on a channel. A lost connection is discarded and
 * reported once; reconnecting is the caller's decision.
 */
export async function listenToChannel(
  pool: pg.Pool,
  channel: string,
  handlers: ListenHandlers,
): Promise<ChannelListener> {
  const client = await pool.connect();
  let open = true;
  const lost = (error: Error) => {
    if (!open) return;
    open = false;
    client.release(error);
    handlers.onLost(error);
  };
  client.on('notification', (message) => {
    if (open && message.channel === channel) handlers.onNotification(message.payload ?? '');
  });
  client.on('error', lost);
  client.on('end', () => lost(new Error('the listening connection ended')));
  let pid: number;
  try {
    await client.query(`listen ${client.escapeIdentifier(channel)}`);
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    pid = rows[0]?.pid ?? 0;
  } catch (error) {
    open = false;
    client.release(error as Error);
    throw error;
  }
  return {
    pid,
    // The connection is discarded, not returned: a pooled connection must not carry LISTEN state or our
    // handlers to its next user.
    close: () => {
      if (!open) return;
      open = false;
      client.release(true);
    },
  };
}
