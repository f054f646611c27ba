import { createHmac, timingSafeEqual } from 'node:crypto';

/** The body of every IPAY webhook. */
export interface IpayWebhook<TData = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: TData & { id: string; sequence: number; resourceType: string; resourceId: string };
}

export class IpayWebhookError extends Error {
  override name = 'IpayWebhookError';
}

export interface VerifyWebhookOptions {
  /** The endpoint's signing secret as IPAY showed it: `whsec_<base64>`. */
  secret: string;
  /** The raw request body, exactly as received (never re-serialised JSON). */
  body: string | Buffer;
  /** The request headers; `webhook-id`, `webhook-timestamp` and `webhook-signature` are read. */
  headers: Record<string, string | string[] | undefined>;
  /** How old (or how far in the future) a delivery may be, in seconds. Default 300. */
  toleranceSeconds?: number;
  now?: Date;
}

function header(headers: VerifyWebhookOptions['headers'], name: string): string {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const single = Array.isArray(value) ? value[0] : value;
  if (!single) throw new IpayWebhookError(`missing ${name} header`);
  return single;
}

/**
 * Verifies a Standard Webhooks delivery from IPAY (any `v1` signature in the header may match, so deliveries
 * signed during a secret rotation verify with either secret) and returns its parsed body.
 */
export function verifyWebhook<TData = Record<string, unknown>>(
  options: VerifyWebhookOptions,
): IpayWebhook<TData> {
  const id = header(options.headers, 'webhook-id');
  const timestamp = header(options.headers, 'webhook-timestamp');
  const signatures = header(options.headers, 'webhook-signature');
  const seconds = Number(timestamp);
  const now = (options.now ?? new Date()).getTime() / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new IpayWebhookError('webhook-timestamp is missing or outside the tolerance');
  }
  const key = Buffer.from(options.secret.replace(/^whsec_/, ''), 'base64');
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  const matches = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new IpayWebhookError('no webhook-signature matches this body and secret');
  return JSON.parse(body.toString('utf8')) as IpayWebhook<TData>;
}
