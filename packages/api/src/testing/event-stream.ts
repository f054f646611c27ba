import { http } from './http';

export interface ReceivedEvent {
  id: string;
  event: string;
  data: any;
}

export interface TestEventStream {
  status: number;
  headers: Headers;
  events: ReceivedEvent[];
  comments: string[];
  /** Whether the server has ended the response. */
  ended(): boolean;
  /** Waits until the check passes, or fails the test after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** The bodiless POST for a ticket: JSON content type, empty body (no input). */
export function requestStreamTicket(baseUrl: string, token?: string) {
  return http(baseUrl, 'POST', '/api/events/stream-tickets', {
    token,
    headers: { 'content-type': 'application/json' },
    rawBody: '',
  });
}

/** A ticket for the stream, as a signed-in caller gets it over REST. */
export async function getStreamTicket(baseUrl: string, token: string): Promise<string> {
  const res = await requestStreamTicket(baseUrl, token);
  if (res.status !== 200) throw new Error(`stream ticket: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.ticket as string;
}

function parseFrame(frame: string, stream: TestEventStream): void {
  const fields: Record<string, string> = {};
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
    const match = /^(id|event|data): (.*)$/.exec(line);
    if (match) fields[match[1]!] = match[2]!;
  }
  if (fields.data !== undefined) {
    stream.events.push({ id: fields.id!, event: fields.event!, data: JSON.parse(fields.data) });
  }
}

/**
 * Opens the SSE stream over real HTTP and collects what arrives: raw frames parsed independently of the SDK,
 * so the wire format itself is under test.
 */
export async function openTestEventStream(
  baseUrl: string,
  query: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<TestEventStream> {
  const controller = new AbortController();
  const url = `${baseUrl}/api/events/stream?${new URLSearchParams(query).toString()}`;
  const response = await fetch(url, { headers, signal: controller.signal });
  if (response.status !== 200 || !response.body) {
    throw new Error(`event stream: ${response.status} ${await response.text()}`);
  }
  let done = false;
  const stream: TestEventStream = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    ended: () => done,
    until: async (check, what, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => controller.abort(),
  };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done: finished } = await reader.read();
        if (finished) break;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          parseFrame(buffered.slice(0, end), stream);
          buffered = buffered.slice(end + 2);
        }
      }
    } catch {
      // aborted by close()
    } finally {
      done = true;
    }
  })();
  return stream;
}
