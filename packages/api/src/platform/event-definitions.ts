import type { z } from 'zod';

/**
 * One domain event type: the `data` it records (and delivers, for subscribable types), whether merchants can
 * subscribe to it by webhook, and what it means. Payloads are objects: `data` is a JSON object, and webhook
 * deliveries add the event's own fields beside the payload's.
 */
export interface EventDefinition {
  payload: z.ZodObject;
  /** Part of the public webhook contract: merchants can subscribe to it; changing its payload is a breaking change. */
  subscribable: boolean;
  /**
   * An operators-only webhook type: recorded without an organization, offered to the webhook endpoints of
   * operator organizations only (a merchant's endpoint can neither subscribe to it nor receive it). Not part of
   * the merchants' contract, so never `subscribable` too.
   */
  operatorWebhook?: true;
  description: string;
}

/** The events a domain declares in its `events.ts`, by type (`<resource>.<what happened>`). */
export type EventDefinitions = Record<string, EventDefinition>;
