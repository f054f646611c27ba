import { request as httpRequest, type Agent } from 'node:http';
import type { HostileRequest } from './request';

export interface HostileResponse {
  status: number;
  contentType: string;
  traceHeader: string | undefined;
  /** The body as text (the first 256 KiB); empty for an event stream, which is closed on its headers. */
  text: string;
  /** Set when no response came: a timeout or a dropped connection. */
  error?: string;
}

const MAX_BODY = 256 * 1024;

/** Sends the bytes as they are (no client-side normalisation of the path), with a deadline so a stream cannot hang. */
export function sendRaw(
  baseUrl: string,
  agent: Agent,
  hostile: HostileRequest,
  timeoutMs = 10_000,
): Promise<HostileResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (response: HostileResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(response);
    };
    const headers: Record<string, string | number> = { ...hostile.headers };
    if (hostile.body !== undefined) headers['content-length'] = Buffer.byteLength(hostile.body);
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      method: hostile.method,
      path: hostile.path,
      headers,
      agent,
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({
        status: 0,
        contentType: '',
        traceHeader: undefined,
        text: '',
        error: `no answer in ${timeoutMs} ms`,
      });
    }, timeoutMs);
    req.on('error', (error) =>
      finish({ status: 0, contentType: '', traceHeader: undefined, text: '', error: error.message }),
    );
    req.on('response', (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      const base = {
        status: res.statusCode ?? 0,
        contentType,
        traceHeader: res.headers['x-trace-id'] as string | undefined,
      };
      if (contentType.startsWith('text/event-stream')) {
        res.destroy();
        finish({ ...base, text: '' });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => finish({ ...base, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => finish({ ...base, text: '', error: error.message }));
    });
    req.end(hostile.body);
  });
}
