import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

/** What every locker event carries so the merchant can match it to the order; never the pickup code. */
const LockerCodeEvent = z.object({
  lockerCodeId: z.string(),
  orderId: z.string(),
  carrierCode: z.string(),
  trackingNumber: z.string().nullable(),
  ipayReference: z.string().nullable(),
  lockerId: z.string(),
  lockerName: z.string(),
  status: z.string().describe("The locker code's state after the event"),
});

/**
 * Locker events by type. The pickup code is deliberately absent from every payload: it belongs to the
 * consumer only. Schemas only (zod): the SDK and browser code import them.
 */
export const LOCKER_EVENTS = {
  'locker.code_issued': {
    description:
      'The carrier put the parcel in a locker; the consumer sees the pickup code, the merchant never',
    subscribable: true,
    payload: LockerCodeEvent.extend({ issuedAt: z.string(), expiresAt: z.string() }),
  },
  'locker.collected': {
    description: 'The consumer picked the parcel up from the locker',
    subscribable: true,
    payload: LockerCodeEvent.extend({ collectedAt: z.string() }),
  },
  'locker.expired': {
    description: 'The parcel was not collected before the locker code expired',
    subscribable: true,
    payload: LockerCodeEvent.extend({ expiredAt: z.string() }),
  },
} satisfies EventDefinitions;
