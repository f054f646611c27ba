import type { JsonValue } from '@ipay/db';

/** The event fields a webhook carries, as a delivery row's join or a recorded DomainEvent has them. */
export interface WebhookEvent {
  id: string;
  type: string;
  sequence: number;
  resourceType: string;
  resourceId: string;
  occurredAt: Date | string;
  data: JsonValue | Record<string, unknown>;
}

/** The Standard Webhooks body: the event's own data plus where it comes from and its per-resource order. */
export function webhookBody(event: WebhookEvent): string {
  const data = event.data && typeof event.data === 'object' && !Array.isArray(event.data) ? event.data : {};
  return JSON.stringify({
    type: event.type,
    timestamp: typeof event.occurredAt === 'string' ? event.occurredAt : event.occurredAt.toISOString(),
    data: {
      ...data,
      id: event.id,
      sequence: event.sequence,
      resourceType: event.resourceType,
      resourceId: event.resourceId,
    },
  });
}
