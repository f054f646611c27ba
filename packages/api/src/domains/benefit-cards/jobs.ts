import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const BENEFIT_CARDS_JOBS = defineJobs({
  'benefit-cards.process-order': {
    description: 'Processes a benefit-card order held until its processingDate: starts the card deliveries',
    payload: z.object({ orderId: z.number().int().min(1) }).strict(),
  },
  'benefit-cards.deliver-card': {
    description:
      "Makes one attempt at a card delivery (SMS, e-mail or the program's webhook); schedules the next",
    payload: z.object({ deliveryId: z.uuid() }).strict(),
  },
});
