import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const Lot = z.object({
  email: z.string().describe('The consumer’s address (they need not have signed in)'),
  lotId: z.string(),
  sessionId: z.string(),
  orderId: z.string(),
  merchantId: z.string(),
});

/**
 * points events by type: recorded without an organization, since points are between IPAY and the consumer.
 * Merchants may not subscribe: they learn of the sale from `session.paid` and of its refund from
 * `session.refunded`, and a consumer's balance across merchants is not theirs to see. Schemas only (zod).
 */
export const POINTS_EVENTS = {
  'points.earned': {
    description: 'A paid order earned the consumer a lot of points',
    subscribable: false,
    payload: Lot.extend({ points: z.number().int(), expiresAt: z.string() }),
  },
  'points.reversed': {
    description:
      'The order was refunded: what was left of its lot is taken back; what was already spent is the shortfall',
    subscribable: false,
    payload: Lot.extend({ points: z.number().int(), shortfall: z.number().int() }),
  },
} satisfies EventDefinitions;
