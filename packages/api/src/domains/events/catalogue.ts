import { z } from 'zod';
import { AUTH_EVENTS } from '../auth/events';
import { BENEFIT_CARD_EVENTS } from '../benefit-cards/events';
import { ORDER_EVENTS } from '../orders/events';
import { PARTNER_EVENTS } from '../partners/events';
import { PAYMENT_SESSION_EVENTS } from '../payment-sessions/events';
import { RBAC_EVENTS } from '../rbac/events';
import { WEBHOOK_EVENTS } from '../webhooks/events';
import type { EventDefinitions } from '../../platform/event-definitions';
import { CARRIER_TARIFFS_EVENTS } from '../carrier-tariffs/events';
import { CARRIER_RECONCILIATION_EVENTS } from '../carrier-reconciliation/events';
import { CARRIER_STATEMENTS_EVENTS } from '../carrier-statements/events';
import { CONSUMER_EVENTS } from '../consumer/events';
import { WALLET_EVENTS } from '../wallet/events';
import { POINTS_EVENTS } from '../points/events';
import { DEALS_EVENTS } from '../deals/events';
import { LOCKER_EVENTS } from '../lockers/events';
import { LOYALTY_CARDS_EVENTS } from '../loyalty-cards/events';
import { RETURNS_EVENTS } from '../returns/events';

/**
 * Every domain event type with its payload schema, merged from the domains' `events.ts`. Recording is typed
 * and checked against it, and the webhook contract (the subscribable types, in this order) is derived from it.
 * Schemas only: the SDK and browser code may import it.
 */
export const EVENT_CATALOGUE = {
  ...ORDER_EVENTS,
  ...PAYMENT_SESSION_EVENTS,
  ...WEBHOOK_EVENTS,
  ...AUTH_EVENTS,
  ...RBAC_EVENTS,
  ...BENEFIT_CARD_EVENTS,
  ...PARTNER_EVENTS,
  ...CARRIER_TARIFFS_EVENTS,
  ...CARRIER_RECONCILIATION_EVENTS,
  ...CARRIER_STATEMENTS_EVENTS,
  ...CONSUMER_EVENTS,
  ...WALLET_EVENTS,
  ...POINTS_EVENTS,
  ...DEALS_EVENTS,
  ...LOCKER_EVENTS,
  ...LOYALTY_CARDS_EVENTS,
  ...RETURNS_EVENTS,
} satisfies EventDefinitions;
type Catalogue = typeof EVENT_CATALOGUE;

export type EventType = keyof Catalogue;
/** The `data` an event of this type records. */
export type EventPayload<T extends EventType> = z.infer<Catalogue[T]['payload']>;

/** The types merchants can subscribe to: the public contract of our outbound webhooks. */
export type SubscribableEventType = {
  [T in EventType]: Catalogue[T]['subscribable'] extends true ? T : never;
}[EventType];

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}

/** In catalogue order, which is the order merchants see them listed in. */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter(
  (type): type is SubscribableEventType => EVENT_CATALOGUE[type].subscribable,
) as [SubscribableEventType, ...SubscribableEventType[]];

/** Types only operator organizations' webhook endpoints receive (platform events, no organization). */
export type OperatorWebhookEventType = {
  [T in EventType]: Catalogue[T] extends { operatorWebhook: true } ? T : never;
}[EventType];

export const OPERATOR_WEBHOOK_EVENT_TYPES = EVENT_TYPES.filter(
  (type): type is OperatorWebhookEventType =>
    (EVENT_CATALOGUE[type] as EventDefinitions[string]).operatorWebhook === true,
);

export function isSubscribableEventType(type: string): type is SubscribableEventType {
  return isEventType(type) && EVENT_CATALOGUE[type].subscribable;
}

/** Fields deliveries add beside the payload (see webhooks/service/deliver.ts). */
const DeliveredFields = {
  id: z.uuid().describe('The event id, also the `webhook-id` header: dedupe on it'),
  sequence: z.number().int().describe('1, 2, 3… per resource: drop an update older than one you handled'),
  resourceType: z.string(),
  resourceId: z.string(),
};

/** The body of a webhook delivery of this type, as it is POSTed. */
export function webhookEnvelope<T extends SubscribableEventType>(type: T) {
  return z.object({
    type: z.literal(type),
    timestamp: z.iso.datetime().describe('When the event occurred'),
    data: EVENT_CATALOGUE[type].payload.extend(DeliveredFields),
  });
}

type Delivered<T extends EventType> = {
  type: T;
  timestamp: string;
  data: EventPayload<T> & { id: string; sequence: number; resourceType: string; resourceId: string };
};

/** A webhook delivery body, discriminated by `type`: what a merchant's handler receives. */
export type WebhookEvent<T extends SubscribableEventType = SubscribableEventType> = {
  [K in T]: Delivered<K>;
}[T];
