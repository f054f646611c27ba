import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

const EXCERPT_BYTES = 1024;

export interface PostResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The first KB of the body as text (cut on a character boundary). */
  bodyExcerpt: string;
}

/** At most EXCERPT_BYTES of UTF-8, without a cut character or NULs (PostgreSQL text refuses them). */
function excerpt(bytes: Buffer): string {
  let text = bytes.subarray(0, EXCERPT_BYTES).toString('utf8').replace(/\0/g, '');
  while (Buffer.byteLength(text) > EXCERPT_BYTES) text = text.slice(0, -1);
  return text.replace(/\uFFFD$/, '');
}

export interface PostRequest {
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  lookup?: LookupFunction;
  /**
   * A keep-alive agent whose connections were opened through a checked lookup; without one, a fresh connection
   * per POST, so no pooled socket outlives the address check or the attempt.
   */
  agent?: http.Agent;
}

/**
 * One POST with node's own HTTP client: it never follows redirects (a 3xx is an answer like any other), it
 * reads only the first KB of the answer, and `lookup` decides which addresses it may connect to. A pooled
 * connection the receiver closed while it sat idle is retried once on a new one: nothing was sent on it.
 */
export async function postJson(url: URL, request: PostRequest): Promise<PostResponse> {
  try {
    return await postOnce(url, request);
  } catch (error) {
    if (!(error instanceof StaleConnectionError)) throw error;
    return postOnce(url, request);
  }
}

/** A reused keep-alive connection that the receiver had already closed. */
class StaleConnectionError extends Error {}

function postOnce(url: URL, request: PostRequest): Promise<PostResponse> {
  const client = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(request.timeoutMs);
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(signal.aborted ? new Error(`timed out after ${request.timeoutMs / 1000} s`) : error);
    let answered = false;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        agent: request.agent ?? false,
        lookup: request.lookup,
        signal,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            bodyExcerpt: excerpt(Buffer.concat(chunks)),
          });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size < EXCERPT_BYTES) return;
          done();
          res.destroy();
        });
        res.on('end', done);
        res.on('error', fail);
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      const stale = !answered && req.reusedSocket && error.code === 'ECONNRESET' && !signal.aborted;
      fail(stale ? new StaleConnectionError(error.message) : error);
    });
    req.end(request.body);
  });
}
