import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../context';
import { AppError } from '../../errors/app-error';
import {
  MultiSafepayClient,
  paymentNoticeFromMultiSafepay,
  verifyMultiSafepayNotification,
} from './multisafepay';
import { recordPayment } from './record-payment';
import { createStripeClient, paymentNoticeFromStripe, verifyStripeEvent } from './stripe';

const MultiSafepayNotification = z.object({ order_id: z.string().min(1) });

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * PSP webhooks: plain routes because signatures are computed over the exact bytes received. A bad signature
 * stores nothing and answers 401; a repeated notification is acknowledged and changes nothing.
 */
export function registerPaymentWebhooks(app: FastifyInstance, deps: AppDeps): void {
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1_048_576 }, (_request, body, next) =>
      next(null, body),
    );

    scope.post('/api/payments/webhook', async (request) => {
      const settings = deps.config.payments.stripe;
      if (!settings) throw new AppError('service_unavailable', 'Stripe is not configured on this platform.');
      const stripe = createStripeClient(settings);
      const event = verifyStripeEvent(
        stripe,
        request.body as Buffer,
        header(request.headers['stripe-signature']),
        settings.webhookSecret,
      );
      const notice = paymentNoticeFromStripe(event);
      if (!notice) return { received: true, handled: false };
      const outcome = await deps.db.transaction().execute((trx) => recordPayment(trx, notice));
      if (outcome === 'unknown_session')
        request.log.warn({ reference: notice.reference }, 'Stripe payment for an unknown session');
      return { received: true, handled: true, outcome };
    });

    scope.post('/api/webhooks/multisafepay', async (request, reply) => {
      const settings = deps.config.payments.multisafepay;
      if (!settings)
        throw new AppError('service_unavailable', 'MultiSafepay is not configured on this platform.');
      const raw = request.body as Buffer;
      const timestamp = verifyMultiSafepayNotification(raw, header(request.headers.auth), settings.apiKey);
      const parsed = MultiSafepayNotification.safeParse(parseJson(raw));
      if (!parsed.success)
        throw AppError.validation('order_id', 'is missing from the notification', 'required');
      // The notification only says something changed: the order's state comes from MultiSafepay's API.
      const order = await new MultiSafepayClient(settings).getOrder(parsed.data.order_id);
      const notice = paymentNoticeFromMultiSafepay(order, timestamp);
      if (notice) {
        const outcome = await deps.db.transaction().execute((trx) => recordPayment(trx, notice));
        if (outcome === 'unknown_session')
          request.log.warn({ reference: notice.reference }, 'MultiSafepay payment for an unknown session');
      }
      return reply.type('text/plain').send('OK');
    });
    done();
  });
}
