import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const WEBHOOKS_JOBS = defineJobs({
  'webhooks.deliver': {
    description: 'Makes one attempt at a webhook delivery and schedules the next one if it fails',
    payload: z.object({ deliveryId: z.uuid() }).strict(),
  },
});
