import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookEvent } from '@ipay/api/event-catalogue';

/**
 * A verified IPAY webhook, typed by its `type`: narrow on it (`switch (event.type)`) and `data` is that
 * event's payload. Generated from the platform's event catalogue, the same one the OpenAPI document's
 * `webhooks` section describes. A type added later arrives as a type this union does not list yet: keep a
 * `default` branch.
 */
export type IpayWebhookEvent = WebhookEvent;
export type IpayWebhookEventType = IpayWebhookEvent['type'];

/** The body of every IPAY webhook, untyped (see IpayWebhookEvent for the typed one). */
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

/** `verifyWebhook<IpayWebhookEvent>` (or a part of it) returns that; any other type argument is the data's shape. */
export type VerifiedWebhook<T> = [T] extends [IpayWebhookEvent] ? T : IpayWebhook<T>;

/**
 * Verifies a Standard Webhooks delivery from IPAY (any `v1` signature in the header may match, so deliveries
 * signed during a secret rotation verify with either secret) and returns its parsed body:
 * `verifyWebhook<IpayWebhookEvent>(…)` for a body typed by its `type`. The body is not validated against the
 * types: the signature proves IPAY sent it.
 */
export function verifyWebhook<TData = Record<string, unknown>>(
  options: VerifyWebhookOptions,
): VerifiedWebhook<TData> {
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
  return JSON.parse(body.toString('utf8')) as VerifiedWebhook<TData>;
}
