import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const EVENTS_JOBS = defineJobs({
  'events.dispatch': {
    description: 'Hands one committed domain event to its consumers and marks it dispatched',
    payload: z.object({ eventId: z.uuid() }).strict(),
  },
});
