import type { generateOpenApiDocument } from 'trpc-to-openapi';
import { z } from 'zod';
import { EVENT_CATALOGUE, webhookEnvelope, type SubscribableEventType } from '../domains/events/catalogue';
import { WEBHOOK_EVENT_TYPES } from '../domains/webhooks/schemas';
import { DELIVERY_TIMEOUT_MS } from '../domains/webhooks/signed-post';

const SIGNATURE_HEADERS = [
  ['webhook-id', 'The event id: the same on every retry and redelivery, so dedupe on it'],
  ['webhook-timestamp', 'Unix seconds of this attempt'],
  [
    'webhook-signature',
    '`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the base64-decoded part after `whsec_`; ' +
      'during a secret rotation two, space-separated',
  ],
] as const;

type Webhooks = NonNullable<ReturnType<typeof generateOpenApiDocument>['webhooks']>;
type RequestBody = Extract<
  NonNullable<NonNullable<Webhooks[string]>['post']>['requestBody'],
  { content: unknown }
>;
type JsonSchema = NonNullable<RequestBody['content'][string]['schema']>;

/** The JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a delivery of this type POSTs. */
function envelopeSchema(type: SubscribableEventType): JsonSchema {
  // As input: without `additionalProperties: false`, so adding a field to a payload stays a compatible change
  // that receivers validating against this schema tolerate.
  const schema: Record<string, unknown> = z.toJSONSchema(webhookEnvelope(type), { io: 'input' });
  // The document declares its dialect once.
  delete schema.$schema;
  return schema;
}

/**
 * The OpenAPI 3.1 `webhooks` section: one operation per subscribable event type, derived from the event
 * catalogue, so the documented payloads are the ones recorded (and checked) at run time.
 */
export function webhookOperations(): Webhooks {
  return Object.fromEntries(
    WEBHOOK_EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook-${type.replace(/[._]/g, '-')}`,
          tags: ['webhooks'],
          summary: EVENT_CATALOGUE[type].description,
          description:
            'Sent to your endpoints subscribed to this type (an empty `eventTypes` subscribes to every type except ' +
            '`webhook.test`), signed per Standard Webhooks: verify the raw body before trusting it. Delivery is ' +
            'at-least-once and unordered; `data.sequence` orders the events of one resource.',
          parameters: SIGNATURE_HEADERS.map(([name, description]) => ({
            name,
            in: 'header' as const,
            required: true,
            description,
            schema: { type: 'string' },
          })),
          requestBody: { required: true, content: { 'application/json': { schema: envelopeSchema(type) } } },
          responses: {
            '2XX': {
              description: `Received. Any other answer, or none within ${DELIVERY_TIMEOUT_MS / 1000} seconds, is retried with backoff`,
            },
          },
        },
      },
    ]),
  );
}
