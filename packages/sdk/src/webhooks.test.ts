import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  IpayWebhookError,
  verifyWebhook,
  type IpayWebhook,
  type IpayWebhookEvent,
  type IpayWebhookEventType,
} from './index';

const secret = () => `whsec_${randomBytes(32).toString('base64')}`;

function signed(signingSecrets: string[], body: string, at = new Date()) {
  const id = `evt_${crypto.randomUUID()}`;
  const signatures = signingSecrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures,
  };
}

describe('verifyWebhook', () => {
  const body = JSON.stringify({
    type: 'session.paid',
    timestamp: '2026-11-22T10:00:00.000Z',
    data: { id: 'e1', sequence: 3, resourceType: 'payment_session', resourceId: 's1' },
  });

  it('accepts a delivery signed as the Standard Webhooks library signs it, and returns the body', () => {
    const key = secret();
    const payload = verifyWebhook({ secret: key, body, headers: signed([key], body) });
    expect(payload).toMatchObject({ type: 'session.paid', data: { sequence: 3, resourceId: 's1' } });
  });

  it('accepts either secret during a rotation', () => {
    const [next, previous] = [secret(), secret()];
    const headers = signed([next, previous], body);
    expect(verifyWebhook({ secret: previous, body, headers }).type).toBe('session.paid');
    expect(verifyWebhook({ secret: next, body: Buffer.from(body), headers }).type).toBe('session.paid');
  });

  it('rejects a tampered body, a wrong secret, a stale delivery and missing headers', () => {
    const key = secret();
    const headers = signed([key], body);
    expect(() => verifyWebhook({ secret: key, body: body.replace('paid', 'lost'), headers })).toThrow(
      IpayWebhookError,
    );
    expect(() => verifyWebhook({ secret: secret(), body, headers })).toThrow('no webhook-signature matches');
    const stale = signed([key], body, new Date(Date.now() - 10 * 60_000));
    expect(() => verifyWebhook({ secret: key, body, headers: stale })).toThrow('outside the tolerance');
    expect(() => verifyWebhook({ secret: key, body, headers: { 'webhook-id': 'x' } })).toThrow(
      'missing webhook-timestamp header',
    );
  });

  describe('typed by event type', () => {
    /** What a merchant's handler does with a delivery: narrow on `type`, then read that event's data. */
    function handle(event: IpayWebhookEvent): string {
      switch (event.type) {
        case 'session.paid':
          expectTypeOf(event.data.amountMinor).toBeNumber();
          expectTypeOf(event.data.paymentMethod).toEqualTypeOf<string | null>();
          return `paid ${event.data.amountMinor} ${event.data.currency} for ${event.data.orderId}`;
        case 'parcel.delivered':
          expectTypeOf(event.data.previousParcelStatus).toEqualTypeOf<string | null>();
          return `delivered ${event.data.sessionId}`;
        case 'order.cancelled':
          // @ts-expect-error an order.cancelled event carries no amount
          return `cancelled ${event.data.totalMinor}`;
        default:
          expectTypeOf(event.data.sequence).toBeNumber();
          return `${event.type} #${event.data.sequence}`;
      }
    }

    it('returns a body narrowed by its type when asked for IpayWebhookEvent', () => {
      const delivered = JSON.stringify({
        type: 'session.paid',
        timestamp: '2026-11-22T10:00:00.000Z',
        data: {
          sessionId: 's1',
          orderId: 'o1',
          ipayReference: '123456789012345678',
          status: 'PAID',
          psp: 'stripe',
          pspPaymentId: 'pi_1',
          amountMinor: 1999,
          currency: 'EUR',
          paymentMethod: 'card',
          id: 'e1',
          sequence: 3,
          resourceType: 'payment_session',
          resourceId: 's1',
        },
      });
      const key = secret();
      const event = verifyWebhook<IpayWebhookEvent>({
        secret: key,
        body: delivered,
        headers: signed([key], delivered),
      });
      expectTypeOf(event).toEqualTypeOf<IpayWebhookEvent>();
      expect(handle(event)).toBe('paid 1999 EUR for o1');
    });

    it('keeps the untyped default and data-shaped type arguments working', () => {
      const key = secret();
      const headers = signed([key], body);
      expectTypeOf(verifyWebhook({ secret: key, body, headers })).toEqualTypeOf<IpayWebhook>();
      expectTypeOf(verifyWebhook<{ note: string }>({ secret: key, body, headers }).data.note).toBeString();
      expectTypeOf<IpayWebhookEventType>().toExtend<string>();
      expectTypeOf<'role.created'>().not.toExtend<IpayWebhookEventType>();
    });
  });
});
