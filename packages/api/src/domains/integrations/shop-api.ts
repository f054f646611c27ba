import http from 'node:http';
import https from 'node:https';
import { assertPublicUrl, publicOnlyLookup } from '../webhooks/url-guard';
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

/**
 * One GET against a merchant's shop: the URL comes from the merchant, so private addresses are refused (also
 * at connect time, against DNS rebinding), redirects are not followed and the answer is bounded.
 */
export async function getShopJson(
  url: URL,
  headers: Record<string, string>,
  settings: ShopApiSettings,
): Promise<unknown> {
  if (!settings.allowPrivateUrls) await assertPublicUrl(url.toString());
  const client = url.protocol === 'https:' ? https : http;
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const { statusCode, body } = await new Promise<{ statusCode: number; body: string }>((resolve, reject) => {
    const fail = (error: Error) =>
      reject(
        new ShopApiError(signal.aborted ? `timed out after ${TIMEOUT_MS / 1000} s` : error.message, null),
      );
    const req = client.request(
      url,
      {
        method: 'GET',
        headers: { accept: 'application/json', ...headers },
        agent: false,
        lookup: settings.allowPrivateUrls ? undefined : publicOnlyLookup,
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
    req.end();
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
