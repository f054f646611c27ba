import { z } from 'zod';
import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const ORDERS_JOBS = defineJobs({
  'orders.process-upload': {
    description:
      'Imports the parked rows of a large order upload, announcing order_upload.progress and .completed',
    payload: z.object({ uploadId: z.uuid() }).strict(),
  },
  'orders.fail-abandoned-uploads': {
    description:
      'Ends as failed the order uploads that no job will finish (runs used up by a worker that died, job gone)',
    payload: ScheduledPayload,
  },
});
