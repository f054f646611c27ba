import { z } from 'zod';
import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { rawBodyRoute } from '../../http/raw-body-route';
import { PAYMENT_ERRORS } from './errors';
import { PROBLEM_CONTENT, RAW_WEBHOOK_BODY } from '../../openapi/operation-parts';
import type { PlainRoute } from '../../platform/domain';
import {
  MultiSafepayClient,
  paymentNoticeFromMultiSafepay,
  verifyMultiSafepayNotification,
} from './multisafepay';
import { recordPayment } from './service/record-payment';
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

/* PSP webhooks: a bad signature stores nothing and answers 401; a repeated notification is acknowledged and
 * changes nothing. */

export const stripeWebhookRoute: PlainRoute = {
  method: 'POST',
  path: '/api/payments/webhook',
  operation: {
    operationId: 'payments-stripeWebhook',
    tags: ['payments'],
    summary: 'Stripe webhook (Stripe-Signature verified on the raw body)',
    description:
      'checkout.session.completed and payment_intent.succeeded mark the session paid; payment_intent.payment_failed is recorded. Each Stripe event id is processed once.',
    requestBody: RAW_WEBHOOK_BODY,
    responses: {
      200: {
        description: 'Received',
        content: { 'application/json': { schema: z.object({ received: z.literal(true) }) } },
      },
      401: { description: 'Bad or missing signature; nothing stored', content: PROBLEM_CONTENT },
      503: { description: 'Stripe is not configured', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    rawBodyRoute(app, url, async (raw, request) => {
      const settings = deps.config.payments.stripe;
      if (!settings)
        throw domainError(PAYMENT_ERRORS, 'psp_not_configured', 'Stripe is not configured on this platform.');
      const stripe = createStripeClient(settings);
      const event = verifyStripeEvent(
        stripe,
        raw,
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
  },
};

export const multisafepayWebhookRoute: PlainRoute = {
  method: 'POST',
  path: '/api/webhooks/multisafepay',
  operation: {
    operationId: 'payments-multisafepayWebhook',
    tags: ['payments'],
    summary: 'MultiSafepay notification (Auth header verified; the order is then fetched from MultiSafepay)',
    requestBody: RAW_WEBHOOK_BODY,
    responses: {
      200: { description: 'OK', content: { 'text/plain': { schema: z.literal('OK') } } },
      401: { description: 'Bad or missing Auth header; nothing stored', content: PROBLEM_CONTENT },
      503: { description: 'MultiSafepay is not configured', content: PROBLEM_CONTENT },
    },
  },
  register(app, { deps, url }) {
    rawBodyRoute(app, url, async (raw, request, reply) => {
      const settings = deps.config.payments.multisafepay;
      if (!settings)
        throw domainError(
          PAYMENT_ERRORS,
          'psp_not_configured',
          'MultiSafepay is not configured on this platform.',
        );
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
  },
};
