import { z } from 'zod';
import { PageInput, pageOf } from '../../platform/pagination-schemas';
import { Timestamp } from '../../platform/time';
import {
  OPERATOR_WEBHOOK_EVENT_TYPES,
  SUBSCRIBABLE_EVENT_TYPES,
  type OperatorWebhookEventType,
  type SubscribableEventType,
} from '../events/catalogue';

/**
 * The event types merchants can subscribe to: the public contract of our outbound webhooks. Derived from the
 * event catalogue (the types declared `subscribable`, in catalogue order), never listed by hand.
 */
export const WEBHOOK_EVENT_TYPES = SUBSCRIBABLE_EVENT_TYPES;
/** Operators-only types (`invoice.mismatch`): an operator organization's endpoints may subscribe to them too. */
export const OPERATOR_ONLY_EVENT_TYPES: readonly string[] = OPERATOR_WEBHOOK_EVENT_TYPES;
const ENDPOINT_EVENT_TYPES = [...WEBHOOK_EVENT_TYPES, ...OPERATOR_WEBHOOK_EVENT_TYPES] as [
  SubscribableEventType | OperatorWebhookEventType,
  ...Array<SubscribableEventType | OperatorWebhookEventType>,
];
export const WebhookEventType = z
  .enum(ENDPOINT_EVENT_TYPES)
  .describe(`An event type; ${OPERATOR_WEBHOOK_EVENT_TYPES.join(', ')}: operator organizations only`);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

export function isWebhookEventType(type: string): type is WebhookEventType {
  return (ENDPOINT_EVENT_TYPES as readonly string[]).includes(type);
}

export const ENDPOINT_STATUSES = ['active', 'disabled'] as const;
export const EndpointStatus = z.enum(ENDPOINT_STATUSES);
export type EndpointStatus = z.infer<typeof EndpointStatus>;

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const DeliveryStatus = z
  .enum(DELIVERY_STATUSES)
  .describe(
    '`pending`: an attempt is due or scheduled; `succeeded`: a 2xx arrived; `failed`: out of retries',
  );
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const WebhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
  .max(2048)
  // Refinements run even when the URL check failed: an unparseable value is already reported there.
  .refine((url) => !URL.canParse(url) || (!new URL(url).username && !new URL(url).password), {
    message: 'must not carry credentials; verify the webhook-signature header instead',
  })
  .describe(
    'Where to POST events (https, or http). Loopback, private, link-local and metadata addresses are refused.',
  );

const EventTypes = z
  .array(WebhookEventType)
  .max(ENDPOINT_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, { message: 'lists an event type twice' })
  .describe(
    'Event types to receive; empty receives every type (except `webhook.test`, which is sent on request)',
  );

export const WebhookEndpoint = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(WebhookEventType),
    status: EndpointStatus,
    disabledReason: z.string().nullable().describe('Why the endpoint was disabled; null while active'),
    failingSince: Timestamp.nullable().describe(
      'Start of the current run of failed attempts; after 3 days of only failures the endpoint is disabled',
    ),
    previousSecretExpiresAt: Timestamp.nullable().describe(
      'After a rotation the previous secret keeps signing (a second signature) until then',
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WebhookEndpoint' });
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z
    .string()
    .describe(
      '`whsec_…` signing secret, shown only in this response: store it now. Verify with standardwebhooks.',
    ),
}).meta({ id: 'WebhookEndpointWithSecret' });
export type WebhookEndpointWithSecret = z.infer<typeof WebhookEndpointWithSecret>;

export const CreateEndpointInput = z.object({
  url: WebhookUrl,
  description: z.string().trim().max(500).default(''),
  eventTypes: EventTypes.default([]),
  organizationId: z
    .uuid()
    .optional()
    .describe('Operators only: the organization the endpoint belongs to. Others always create in their own.'),
});
export type CreateEndpointInput = z.infer<typeof CreateEndpointInput>;

export const UpdateEndpointInput = z.object({
  id: z.uuid().describe('Endpoint id'),
  url: WebhookUrl.optional(),
  description: z.string().trim().max(500).optional(),
  eventTypes: EventTypes.optional(),
  status: EndpointStatus.optional().describe(
    '`active` re-enables a disabled endpoint (and forgets its failures); `disabled` pauses it',
  ),
});
export type UpdateEndpointInput = z.infer<typeof UpdateEndpointInput>;

export const EndpointIdInput = z.object({ id: z.uuid().describe('Endpoint id') });
export type EndpointIdInput = z.infer<typeof EndpointIdInput>;

export const DeletedEndpoint = z
  .object({ id: z.uuid(), deleted: z.literal(true) })
  .meta({ id: 'DeletedWebhookEndpoint' });
export type DeletedEndpoint = z.infer<typeof DeletedEndpoint>;

export const ListEndpointsInput = PageInput.extend({
  status: EndpointStatus.optional().describe('Only endpoints in this status'),
});
export type ListEndpointsInput = z.infer<typeof ListEndpointsInput>;
export const WebhookEndpointPage = pageOf(WebhookEndpoint);

export const WebhookDelivery = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    eventId: z.uuid().describe('Also the `webhook-id` header of every attempt'),
    eventType: z.string(),
    status: DeliveryStatus,
    attempts: z.number().int().describe('Attempts made so far'),
    nextAttemptAt: Timestamp.nullable().describe('When the next attempt is due; null unless pending'),
    lastStatusCode: z
      .number()
      .int()
      .nullable()
      .describe("The receiver's last HTTP status; null if none came"),
    lastError: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
export const WebhookDeliveryPage = pageOf(WebhookDelivery);

export const DeliveryAttempt = z
  .object({
    attempt: z.number().int().describe('1, 2, 3… per delivery'),
    startedAt: Timestamp,
    durationMs: z.number().int(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable().describe('Why no 2xx came: timeout, refused address, HTTP status…'),
    responseBodyExcerpt: z.string().nullable().describe("The first KB of the receiver's answer"),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const WebhookDeliveryDetail = WebhookDelivery.extend({
  attemptHistory: z.array(DeliveryAttempt).describe('Every attempt, oldest first'),
}).meta({ id: 'WebhookDeliveryDetail' });
export type WebhookDeliveryDetail = z.infer<typeof WebhookDeliveryDetail>;

export const ListEndpointDeliveriesInput = PageInput.extend({
  id: z.uuid().describe('Endpoint id'),
  status: DeliveryStatus.optional().describe('Only deliveries in this status'),
});
export type ListEndpointDeliveriesInput = z.infer<typeof ListEndpointDeliveriesInput>;

export const ListEventDeliveriesInput = PageInput.extend({
  eventId: z.uuid().describe('Domain event id'),
  status: DeliveryStatus.optional().describe('Only deliveries in this status'),
});
export type ListEventDeliveriesInput = z.infer<typeof ListEventDeliveriesInput>;

export const DeliveryIdInput = z.object({ id: z.uuid().describe('Delivery id') });
export type DeliveryIdInput = z.infer<typeof DeliveryIdInput>;

export const TestEventSent = z
  .object({
    eventId: z.uuid().describe('The recorded `webhook.test` event, also the `webhook-id` header'),
    delivery: WebhookDelivery,
  })
  .meta({ id: 'WebhookTestEventSent' });
export type TestEventSent = z.infer<typeof TestEventSent>;
