import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

/** What every return event carries so the merchant can match it to the order. */
const ReturnEvent = z.object({
  returnId: z.string(),
  orderId: z.string(),
  sessionId: z.string(),
  merchantReference: z.string(),
  status: z.string().describe("The return case's state after the event"),
  source: z.enum(['consumer', 'merchant', 'operator', 'carrier', 'system']).describe('Who moved it'),
  occurredAt: z.string().describe('When it happened (the carrier’s scan time for carrier moves)'),
});

/** Return events by type, one per state a case can reach. Schemas only (zod). */
export const RETURNS_EVENTS = {
  'return.opened': {
    description: 'A consumer opened a return for items of a delivered (or paid) order',
    subscribable: true,
    payload: ReturnEvent.extend({
      refundMethod: z.string(),
      itemsValueMinor: z.number(),
      currency: z.string(),
      approvalRequired: z.boolean(),
      items: z.array(z.object({ sku: z.string(), quantity: z.number(), reason: z.string() })),
    }),
  },
  'return.approved': {
    description: 'The return may go ahead (approved by the merchant, or at once when no approval is needed)',
    subscribable: true,
    payload: ReturnEvent,
  },
  'return.rejected': {
    description: 'The merchant refused the return',
    subscribable: true,
    payload: ReturnEvent.extend({ reason: z.string() }),
  },
  'return.label_created': {
    description: 'A return label was booked with the carrier',
    subscribable: true,
    payload: ReturnEvent,
  },
  'return.in_transit': {
    description: 'The carrier has the parcel',
    subscribable: true,
    payload: ReturnEvent,
  },
  'return.received': {
    description: 'The parcel is back with the merchant',
    subscribable: true,
    payload: ReturnEvent,
  },
  'return.refunded': {
    description: 'The refund went out, to the original payment or as wallet credit',
    subscribable: true,
    payload: ReturnEvent.extend({
      refundMethod: z.string(),
      amountMinor: z.number(),
      shippingMinor: z.number(),
      bonusMinor: z.number(),
      currency: z.string(),
    }),
  },
  'return.cancelled': {
    description: 'The consumer (or an operator) cancelled the return before the parcel left',
    subscribable: true,
    payload: ReturnEvent,
  },
  'return.expired': {
    description: 'No parcel was handed in within the merchant’s expiry days',
    subscribable: true,
    payload: ReturnEvent,
  },
} satisfies EventDefinitions;
