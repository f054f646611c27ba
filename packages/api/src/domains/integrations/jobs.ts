import { z } from 'zod';
import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const INTEGRATIONS_JOBS = defineJobs({
  'integrations.schedule-syncs': {
    description:
      'The 15-minute scheduler pass: one integrations.sync job per connected integration that is not backing off',
    payload: ScheduledPayload,
  },
  'integrations.sync': {
    description: "Pulls one integration's recent orders and upserts them, recording the run in the sync log",
    payload: z.object({ integrationId: z.uuid(), trigger: z.enum(['schedule', 'run_now']) }).strict(),
  },
  'integrations.process-webhook': {
    description: 'Imports the order a shop pushed (a verified, deduplicated webhook delivery)',
    payload: z
      .object({
        provider: z.string().min(1),
        // Optional for jobs queued before deliveries were keyed per connection (integration).
        integrationId: z.uuid().optional(),
        deliveryId: z.string().min(1),
      })
      .strict(),
  },
});
