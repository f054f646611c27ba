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

/**
 * One POST with node's own HTTP client: it never follows redirects (a 3xx is an answer like any other), it
 * reads only the first KB of the answer, and `lookup` decides which addresses it may connect to.
 */
export function postJson(
  url: URL,
  request: { body: string; headers: Record<string, string>; timeoutMs: number; lookup?: LookupFunction },
): Promise<PostResponse> {
  const client = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(request.timeoutMs);
  return new Promise((resolve, reject) => {
    const fail = (error: Error) =>
      reject(signal.aborted ? new Error(`timed out after ${request.timeoutMs / 1000} s`) : error);
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        // A fresh connection per attempt: no pooled socket outlives the address check or the attempt.
        agent: false,
        lookup: request.lookup,
        signal,
      },
      (res) => {
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
    req.on('error', fail);
    req.end(request.body);
  });
}
