import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const WEBHOOKS_JOBS = defineJobs({
  'webhooks.deliver': {
    description:
      'Attempts a webhook delivery that is due (a retry, a redelivery, a test event), with whatever else of its endpoint is due',
    payload: z.object({ deliveryId: z.uuid() }).strict(),
  },
  'webhooks.deliver-endpoint': {
    description:
      "Sends an endpoint's due webhook deliveries in rounds and schedules retries of those that fail",
    payload: z.object({ endpointId: z.uuid() }).strict(),
  },
});
