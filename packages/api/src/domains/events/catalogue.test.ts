import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildOpenApiDocument } from '../../openapi/document';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from '../webhooks/schemas';
import {
  EVENT_CATALOGUE,
  EVENT_TYPES,
  webhookEnvelope,
  type EventPayload,
  type SubscribableEventType,
  type WebhookEvent,
} from './catalogue';
import type { NewDomainEvent } from './service';

/** The webhook contract as it was listed by hand before the catalogue: members and order must not drift. */
const CONTRACT = [
  'order.created',
  'order.updated',
  'order.cancelled',
  'order.shipment_updated',
  'session.created',
  'session.payment_started',
  'session.paid',
  'session.payment_failed',
  'session.payment_needs_refund',
  'session.otp_verified',
  'session.otp_locked',
  'session.expired',
  'session.cancelled',
  'session.refunded',
  'session.payment_refunded',
  'parcel.status_changed',
  'parcel.delivered',
  'webhook.endpoint_disabled',
  'webhook.test',
  'locker.code_issued',
  'locker.collected',
  'locker.expired',
  'loyalty_card.issued',
  'loyalty_card.revoked',
  'return.opened',
  'return.approved',
  'return.rejected',
  'return.label_created',
  'return.in_transit',
  'return.received',
  'return.refunded',
  'return.cancelled',
  'return.expired',
] as const;

describe('event catalogue', () => {
  it('derives the subscribable list, its members and order unchanged, and the endpoint eventTypes enum', () => {
    expect([...WEBHOOK_EVENT_TYPES]).toEqual(CONTRACT);
    // Endpoints may also name the operators-only types, which merchants' endpoints are refused.
    expect(WebhookEventType.options).toEqual([...CONTRACT, 'invoice.mismatch']);
    expect(WebhookEventType.safeParse('order_upload.progress').success).toBe(false);
    expectTypeOf<SubscribableEventType>().toEqualTypeOf<(typeof CONTRACT)[number]>();
    expectTypeOf<'role.created'>().not.toExtend<SubscribableEventType>();
  });

  it('names every type <resource>.<what happened> and describes it', () => {
    for (const type of EVENT_TYPES) {
      expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(EVENT_CATALOGUE[type].description.length).toBeGreaterThan(10);
    }
  });

  it('types payloads by event type', () => {
    expectTypeOf<EventPayload<'order.cancelled'>>().toEqualTypeOf<{
      orderId: string;
      merchantReference: string;
      reason: string | null;
    }>();
    expectTypeOf<NewDomainEvent<'order.cancelled'>['data']>().toEqualTypeOf<
      EventPayload<'order.cancelled'>
    >();
    expectTypeOf<Extract<WebhookEvent, { type: 'session.paid' }>['data']['amountMinor']>().toBeNumber();
  });

  it('describes a delivery as deliver.ts builds it: the payload beside the event fields', () => {
    const delivered = {
      type: 'order.cancelled',
      timestamp: '2026-11-29T10:00:00.000Z',
      data: {
        orderId: 'o-1',
        merchantReference: 'REF-1',
        reason: null,
        id: '0b7d2a8e-5a7c-4c47-9d55-2f0b3c6a1e11',
        sequence: 2,
        resourceType: 'order',
        resourceId: 'o-1',
      },
    };
    expect(webhookEnvelope('order.cancelled').parse(delivered)).toEqual(delivered);
    const withoutSequence: Record<string, unknown> = { ...delivered.data };
    delete withoutSequence.sequence;
    expect(
      webhookEnvelope('order.cancelled').safeParse({ ...delivered, data: withoutSequence }).success,
    ).toBe(false);
  });

  it("documents every subscribable type in the OpenAPI document's webhooks, with its envelope", () => {
    const { webhooks } = buildOpenApiDocument('https://ipay.example');
    expect(Object.keys(webhooks ?? {})).toEqual(CONTRACT);
    const operation = webhooks?.['session.paid']?.post;
    const body = operation?.requestBody;
    const schema = body && 'content' in body ? body.content['application/json']?.schema : undefined;
    expect(schema).toMatchObject({
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      properties: {
        type: { const: 'session.paid' },
        data: {
          required: expect.arrayContaining(['sessionId', 'amountMinor', 'id', 'sequence', 'resourceId']),
        },
      },
    });
    expect(operation?.parameters).toContainEqual(expect.objectContaining({ name: 'webhook-signature' }));
  });
});
