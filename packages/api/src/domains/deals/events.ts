import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const DealEvent = z.object({
  id: z.string().describe('The deal id'),
  merchantId: z.string().nullable().describe('The publishing merchant; null for a platform deal'),
  title: z.string(),
  startsAt: z.string().describe('When the deal goes live (ISO 8601 UTC)'),
  endsAt: z.string().describe('When it ends (ISO 8601 UTC)'),
});

/**
 * Deal events. Not subscribable: a merchant's deal events tell it only what it did itself, and a platform
 * deal's (organization null) belong to no merchant. They are in the event stream and the audit history.
 */
export const DEALS_EVENTS = {
  'deal.published': {
    description: 'A deal was created, scheduled between startsAt and endsAt',
    subscribable: false,
    payload: DealEvent,
  },
  'deal.retired': {
    description:
      'A deal was retired: it leaves every feed at once (recorded once, however often it is retired)',
    subscribable: false,
    payload: DealEvent.extend({ retiredAt: z.string().describe('When (ISO 8601 UTC)') }),
  },
} satisfies EventDefinitions;
