import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const CARRIER_RECONCILIATION_JOBS = defineJobs({
  'carrier-reconciliation.match-import': {
    description:
      "Matches an imported carrier invoice's lines to parcels and compares them with the cost engine (once per import)",
    payload: z.object({ importId: z.uuid() }).strict(),
  },
});
