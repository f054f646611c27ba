import { randomBytes } from 'node:crypto';
import { sendJson, startFakeServer, type FakeServer } from './fake-server';

/**
 * Speaks the slice of Stripe's API the platform uses: POST /v1/checkout/sessions and POST /v1/refunds
 * (form-encoded, as the real `stripe` library sends them); honours Idempotency-Key like Stripe does.
 */
export async function startFakeStripe(): Promise<FakeServer> {
  const byIdempotencyKey = new Map<string, unknown>();
  return startFakeServer((request, response) => {
    if (request.method === 'POST' && request.path === '/v1/refunds') {
      const form = new URLSearchParams(request.body);
      const key = String(request.headers['idempotency-key'] ?? '');
      const refund = byIdempotencyKey.get(key) ?? {
        id: `re_${randomBytes(12).toString('hex')}`,
        object: 'refund',
        payment_intent: form.get('payment_intent'),
        status: 'succeeded',
      };
      if (key) byIdempotencyKey.set(key, refund);
      return sendJson(response, 200, refund);
    }
    if (request.method !== 'POST' || request.path !== '/v1/checkout/sessions') {
      return sendJson(response, 404, {
        error: {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${request.method}: ${request.path})`,
        },
      });
    }
    if (!String(request.headers.authorization).startsWith('Bearer sk_test_')) {
      return sendJson(response, 401, {
        error: { type: 'invalid_request_error', message: 'Invalid API Key provided' },
      });
    }
    const key = String(request.headers['idempotency-key'] ?? '');
    const replay = byIdempotencyKey.get(key);
    if (replay) return sendJson(response, 200, replay);
    const form = new URLSearchParams(request.body);
    const id = `cs_test_${randomBytes(12).toString('hex')}`;
    const session = {
      id,
      object: 'checkout.session',
      mode: form.get('mode'),
      amount_total: Number(form.get('line_items[0][price_data][unit_amount]')),
      currency: form.get('line_items[0][price_data][currency]'),
      client_reference_id: form.get('client_reference_id'),
      metadata: {
        ipay_reference: form.get('metadata[ipay_reference]'),
        ipay_session_id: form.get('metadata[ipay_session_id]'),
      },
      payment_status: 'unpaid',
      status: 'open',
      success_url: form.get('success_url'),
      cancel_url: form.get('cancel_url'),
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    if (key) byIdempotencyKey.set(key, session);
    sendJson(response, 200, session);
  });
}
