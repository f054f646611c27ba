import { randomBytes } from 'node:crypto';
import { Webhook } from 'svix';
import { http, type HttpResponse } from './http';

/** A signing secret as Resend shows one for a webhook: `whsec_` and base64 bytes. */
export function resendWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Resend's webhook body for one e-mail: the shape Resend posts (type, created_at, data.email_id, bounce). */
export function resendEvent(type: string, emailId: string, at: Date, bounce?: Record<string, string>) {
  return {
    type,
    created_at: at.toISOString(),
    data: {
      email_id: emailId,
      created_at: at.toISOString(),
      from: 'IPAY <noreply@ipay.example>',
      to: ['someone@example.com'],
      subject: 'Your door code',
      ...(bounce ? { bounce } : {}),
    },
  };
}

/**
 * Posts an event to `POST /api/webhooks/resend` signed as Resend (through Svix) signs it: svix's own `Webhook`
 * class, `svix-id` / `svix-timestamp` / `svix-signature` over id.timestamp.body.
 */
export function deliverResendEvent(
  baseUrl: string,
  secret: string,
  event: unknown,
  options: { id?: string; signedAt?: Date } = {},
): Promise<HttpResponse<any>> {
  const id = options.id ?? `msg_${randomBytes(12).toString('hex')}`;
  const signedAt = options.signedAt ?? new Date();
  const body = JSON.stringify(event);
  return http(baseUrl, 'POST', '/api/webhooks/resend', {
    rawBody: body,
    headers: {
      'content-type': 'application/json',
      'svix-id': id,
      'svix-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'svix-signature': new Webhook(secret).sign(id, signedAt, body),
    },
  });
}
