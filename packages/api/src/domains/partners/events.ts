import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

/** Carrier-partner events, internal (about IPAY's partners, not a merchant's resources). Schemas only (zod). */
export const PARTNER_EVENTS = {
  'partner.created': {
    description: 'An operator created a carrier partner',
    subscribable: false,
    payload: z.object({ partnerId: z.string(), name: z.string(), carrierCodes: z.array(z.string()) }),
  },
  'partner.updated': {
    description: "An operator changed a partner's carrier codes or contact",
    subscribable: false,
    payload: z.object({
      partnerId: z.string(),
      changed: z
        .array(z.string())
        .describe('`carrierCodes`, `contact.name`, `contact.email`, `contact.phone`'),
      carrierCodes: z.array(z.string()).describe('The codes after the change'),
    }),
  },
} satisfies EventDefinitions;
