import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { PaymentConfig } from '../../config';
import { AppError } from '../../errors/app-error';
import type { PaymentNotice } from './service/record-payment';

type MultiSafepaySettings = NonNullable<PaymentConfig['multisafepay']>;

const REPLAY_WINDOW_SECONDS = 600;

const Order = z
  .object({
    order_id: z.string(),
    status: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    transaction_id: z.union([z.string(), z.number()]).optional(),
    payment_url: z.string().optional(),
    payment_details: z.object({ type: z.string().optional() }).partial().optional(),
    // The order's refunds (and other follow-up transactions), each with the description it was made with.
    related_transactions: z
      .array(
        z.object({
          transaction_id: z.union([z.string(), z.number()]),
          description: z.string().nullish(),
          amount: z.number().optional(),
          status: z.string().optional(),
        }),
      )
      .nullish(),
  })
  .partial({ status: true, amount: true, currency: true });

/** A refund's answer: the order's transaction id and the new refund's own id. */
const Refund = z.object({
  transaction_id: z.union([z.string(), z.number()]).optional(),
  refund_id: z.union([z.string(), z.number()]).optional(),
});

const Envelope = z.object({
  success: z.boolean(),
  data: z.unknown(),
  error_code: z.number().optional(),
  error_info: z.string().optional(),
});

/** A thin client for the MultiSafepay JSON API (v1): the two calls the payment flow needs. */
export class MultiSafepayClient {
  constructor(private readonly settings: MultiSafepaySettings) {}

  private async call<T extends z.ZodType>(schema: T, method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await fetch(`${this.settings.apiUrl}${path}`, {
      method,
      headers: {
        api_key: this.settings.apiKey,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    }).catch((error: unknown) => {
      throw new AppError('service_unavailable', `MultiSafepay did not answer: ${(error as Error).message}`);
    });
    const parsed = Envelope.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success || !parsed.data.success) {
      const info = parsed.success
        ? `${parsed.data.error_code ?? ''} ${parsed.data.error_info ?? ''}`.trim()
        : `HTTP ${response.status}`;
      throw new AppError('service_unavailable', `MultiSafepay refused the request: ${info}`);
    }
    const data = schema.safeParse(parsed.data.data);
    if (!data.success)
      throw new AppError('service_unavailable', 'MultiSafepay answered in an unknown shape.');
    return data.data;
  }

  /** A redirect order whose order_id is the payment reference; notifications come back to notificationUrl. */
  async createOrder(order: {
    reference: string;
    amountMinor: number;
    currency: string;
    description: string;
    notificationUrl: string;
    redirectUrl: string;
    cancelUrl: string;
  }): Promise<{ paymentUrl: string }> {
    const data = await this.call(Order, 'POST', '/orders', {
      type: 'redirect',
      order_id: order.reference,
      currency: order.currency,
      amount: order.amountMinor,
      description: order.description,
      payment_options: {
        notification_url: order.notificationUrl,
        notification_method: 'POST',
        redirect_url: order.redirectUrl,
        cancel_url: order.cancelUrl,
      },
    });
    if (!data.payment_url) throw new AppError('service_unavailable', 'MultiSafepay returned no payment URL.');
    return { paymentUrl: data.payment_url };
  }

  /**
   * Refunds `amountMinor` of an order and returns the refund's id. Never 0: MultiSafepay refunds the whole
   * order's balance for an amount of 0. It takes no idempotency key: `description` is the caller's key, found
   * again by `findRefund`.
   */
  async refundOrder(
    reference: string,
    refund: { amountMinor: number; currency: string; description: string },
  ): Promise<string> {
    if (refund.amountMinor <= 0) throw new Error(`refund of ${refund.amountMinor} for order ${reference}`);
    const data = await this.call(Refund, 'POST', `/orders/${encodeURIComponent(reference)}/refunds`, {
      amount: refund.amountMinor,
      currency: refund.currency,
      description: refund.description,
    });
    const id = data.refund_id ?? data.transaction_id;
    if (id === undefined) throw new AppError('service_unavailable', 'MultiSafepay returned no refund id.');
    return String(id);
  }

  /** The id of the order's refund made with exactly this description, if MultiSafepay holds one. */
  async findRefund(reference: string, description: string): Promise<string | undefined> {
    const order = await this.getOrder(reference);
    const found = order.related_transactions?.find((related) => related.description === description);
    return found ? String(found.transaction_id) : undefined;
  }

  getOrder(reference: string) {
    return this.call(Order, 'GET', `/orders/${encodeURIComponent(reference)}`);
  }
}

/**
 * The `Auth` header: base64 of `timestamp:hex(HMAC-SHA512(api key, timestamp:body))`, fresh within 10 minutes,
 * compared in constant time. Any failure is a 401 and stores nothing.
 */
export function verifyMultiSafepayNotification(
  rawBody: Buffer,
  auth: string | undefined,
  apiKey: string,
  now = Date.now(),
): string {
  const decoded = auth ? Buffer.from(auth, 'base64').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const timestamp = decoded.slice(0, separator);
  const signature = decoded.slice(separator + 1);
  if (separator < 1 || !/^\d+(\.\d+)?$/.test(timestamp) || !/^[0-9a-fA-F]{128}$/.test(signature)) {
    throw new AppError('unauthenticated', 'Missing or malformed MultiSafepay Auth header.');
  }
  if (Math.abs(now / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
    throw new AppError('unauthenticated', 'The MultiSafepay notification is too old.');
  }
  const expected = createHmac('sha512', apiKey).update(`${timestamp}:`).update(rawBody).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('unauthenticated', 'The MultiSafepay signature does not match this body.');
  }
  return timestamp;
}

const PAID_STATUSES = new Set(['completed']);
const FAILED_STATUSES = new Set(['declined', 'expired', 'void', 'cancelled']);

/** The payment behind an order as MultiSafepay's API reports it (never as the notification claims). */
export function paymentNoticeFromMultiSafepay(
  order: Awaited<ReturnType<MultiSafepayClient['getOrder']>>,
  notificationTimestamp: string,
): PaymentNotice | undefined {
  const status = order.status ?? '';
  if (!PAID_STATUSES.has(status) && !FAILED_STATUSES.has(status)) return undefined;
  const paymentId = String(order.transaction_id ?? order.order_id);
  return {
    psp: 'multisafepay',
    eventId: `${order.order_id}:${status}:${paymentId}`,
    eventType: `order.${status}`,
    reference: order.order_id,
    pspPaymentId: paymentId,
    outcome: PAID_STATUSES.has(status) ? 'succeeded' : 'failed',
    amountMinor: order.amount ?? 0,
    currency: order.currency ?? '',
    paymentMethod: order.payment_details?.type?.toLowerCase() ?? null,
    failureReason: PAID_STATUSES.has(status)
      ? null
      : `MultiSafepay status ${status} (notified ${notificationTimestamp})`,
  };
}
