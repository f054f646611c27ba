import type { DomainEvent } from '@ipay/api/events';
import type { Problem } from '@ipay/api/problem';
import { createIpayClient, type IpayClientOptions } from './client';
import { IpayApiError } from './errors';
import { readServerSentEvents } from './sse';

export type { DomainEvent };

export interface StreamEventsOptions extends IpayClientOptions {
  /** Start after this event (its `id`), e.g. the last one a previous run handled. */
  lastEventId?: string;
  /** Ends the stream; the iterator then finishes without an error. */
  signal?: AbortSignal;
  /** Wait before reconnecting, doubled after every failed attempt up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Told about every dropped connection or failed attempt before the next one, e.g. for logging. */
  onReconnect?: (cause: unknown) => void;
}

/**
 * A failure that asking again will not fix: the caller's token or permission (on the ticket), a bad
 * `lastEventId`. A 401 on the stream itself is a ticket that expired on the way, so it is retried.
 */
function isFinal(error: unknown, stage: 'ticket' | 'stream'): boolean {
  if (!(error instanceof IpayApiError) || error.status >= 500 || error.status === 429) return false;
  return stage === 'ticket' || error.status !== 401;
}

async function problemOf(response: Response): Promise<IpayApiError | Error> {
  const body: unknown = await response.json().catch(() => undefined);
  const problem = body as Partial<Problem> | undefined;
  if (typeof problem?.status === 'number' && typeof problem.detail === 'string') {
    return new IpayApiError(problem as Problem);
  }
  return new Error(`event stream answered ${response.status}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The live event stream as an async iterator of typed events:
 *
 * ```ts
 * for await (const event of streamEvents({ baseUrl, token, signal })) console.log(event.type, event.data);
 * ```
 *
 * Each connection gets a fresh single-use ticket through the typed client. When a connection drops, it
 * reconnects with `Last-Event-ID`, so events committed meanwhile arrive in order, none lost or repeated.
 * It throws an IpayApiError for what retrying cannot fix (401 on the ticket, 403, a bad `lastEventId`).
 */
export async function* streamEvents(
  options: StreamEventsOptions,
): AsyncGenerator<DomainEvent, void, undefined> {
  const fetchImpl = options.fetch ?? fetch;
  const client = createIpayClient(options);
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const initialDelay = options.reconnectDelayMs ?? 1_000;
  const maxDelay = options.maxReconnectDelayMs ?? 30_000;
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();

  let lastEventId = options.lastEventId;
  let delay = initialDelay;
  try {
    while (!stopped.signal.aborted) {
      let stage: 'ticket' | 'stream' = 'ticket';
      try {
        const { ticket } = await client.events.createStreamTicket.mutate(undefined, {
          signal: stopped.signal,
        });
        stage = 'stream';
        const response = await fetchImpl(`${baseUrl}/api/events/stream?token=${encodeURIComponent(ticket)}`, {
          headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
          signal: stopped.signal,
        });
        if (response.status !== 200 || !response.body) throw await problemOf(response);
        delay = initialDelay;
        for await (const message of readServerSentEvents(response.body)) {
          const event = JSON.parse(message.data) as DomainEvent;
          lastEventId = message.id ?? event.id;
          yield event;
        }
        options.onReconnect?.(new Error('the event stream ended'));
      } catch (error) {
        if (stopped.signal.aborted) return;
        if (isFinal(error, stage)) throw error;
        options.onReconnect?.(error);
      }
      await sleep(delay, stopped.signal);
      delay = Math.min(maxDelay, delay * 2);
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    // Also ends the open response when the caller leaves the loop early.
    stop();
  }
}
