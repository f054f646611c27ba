import { z } from 'zod';
import type { EventDefinitions } from '../../platform/event-definitions';

const IssuedCardFields = {
  cardId: z.uuid(),
  cardNumber: z.string(),
  email: z.string().describe('The holder’s address, as the merchant gave it (lower-case)'),
};

/** Loyalty-card events, recorded on the issuing merchant. Schemas only (zod): the SDK and browser code import them. */
export const LOYALTY_CARDS_EVENTS = {
  'loyalty_card.issued': {
    description:
      'The merchant issued an IPAY loyalty card to an address; it waits there until the holder signs in',
    subscribable: true,
    payload: z.object({ ...IssuedCardFields, label: z.string().nullable() }),
  },
  'loyalty_card.revoked': {
    description: 'The merchant revoked a loyalty card it issued; the holder sees it as revoked',
    subscribable: true,
    payload: z.object({ ...IssuedCardFields, reason: z.string().nullable() }),
  },
} satisfies EventDefinitions;
