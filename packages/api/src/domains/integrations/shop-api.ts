import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import { assertPublicUrl, publicOnlyLookup } from '../webhooks/service/outbound';
import { providerMessage } from './shop-api-message';

const TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A shop platform answered with an error or something that is not its API: the message names what happened. */
export class ShopApiError extends Error {
  override name = 'ShopApiError';
  constructor(
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message);
  }
}

export interface ShopApiSettings {
  /** Tests and local development only: lets a shop's base URL be a loopback or private address. */
  allowPrivateUrls: boolean;
}

/** A JSON document (REST search criteria, JSON-RPC) or an HTML form (OAuth 2 token requests). */
export type ShopRequestBody = { json: unknown } | { form: Record<string, string> };

export interface ShopRequest {
  method?: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: ShopRequestBody;
}

function encodeBody(body: ShopRequestBody | undefined): { bytes: Buffer; type?: string } {
  if (!body) return { bytes: Buffer.alloc(0) };
  if ('json' in body) return { bytes: Buffer.from(JSON.stringify(body.json)), type: 'application/json' };
  return {
    bytes: Buffer.from(new URLSearchParams(body.form).toString()),
    type: 'application/x-www-form-urlencoded',
  };
}

/**
 * One call to a merchant's shop or marketplace: the URL comes from the merchant, so private addresses are
 * refused (also at connect time, against DNS rebinding), redirects are not followed, the call times out and
 * the answer is bounded. Answers other than 2xx become a ShopApiError carrying the platform's own message.
 */
export async function requestShopJson(request: ShopRequest, settings: ShopApiSettings): Promise<unknown> {
  const { url } = request;
  if (!settings.allowPrivateUrls) await assertPublicUrl(url.toString());
  const client = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const method = request.method ?? 'GET';
  const payload = encodeBody(request.body);
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (method !== 'GET') {
    headers['content-length'] = String(payload.bytes.length);
    if (payload.type) headers['content-type'] = payload.type;
  }
  const { statusCode, body } = await new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new ShopApiError(signal.aborted ? `timed out after ${TIMEOUT_MS / 1000} s` : error.message, null),
      );
    const req = client.request(
      url,
      {
        method,
        headers,
        agent: false,
        lookup: settings.allowPrivateUrls ? undefined : publicOnlyLookup(),
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) {
            res.destroy();
            return reject(
              new ShopApiError(`answered more than ${MAX_BODY_BYTES} bytes`, res.statusCode ?? null),
            );
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', fail);
    req.end(method === 'GET' ? undefined : payload.bytes);
  });
  if (statusCode < 200 || statusCode >= 300) {
    throw new ShopApiError(`answered ${statusCode}: ${providerMessage(body)}`, statusCode);
  }
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new ShopApiError(`answered ${statusCode} with a body that is not JSON`, statusCode);
  }
}

/** The common case, a GET with headers: kept as a shorthand so REST clients read as one line per call. */
export function getShopJson(
  url: URL,
  headers: Record<string, string>,
  settings: ShopApiSettings,
): Promise<unknown> {
  return requestShopJson({ url, headers }, settings);
}

/**
 * Reads a platform's answer with its schema; an answer of another shape is the platform's fault (a proxy, an
 * old API version), so it becomes a ShopApiError naming the field rather than a 500.
 */
export function parseShopAnswer<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ShopApiError(`answered with an unexpected ${what}${where}: ${issue?.message ?? 'invalid'}`, null);
}
