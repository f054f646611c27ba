import { z } from 'zod';
import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const RETURNS_JOBS = defineJobs({
  'returns.refund': {
    description:
      "Sends a received return's refund through the PSP that took the payment (once per case: the refund row and the PSP idempotency key), then moves the case to REFUNDED",
    payload: z.object({ returnId: z.uuid() }),
  },
  'returns.expire': {
    description:
      'Expires approved return cases whose parcel was not handed in before expires_at, announcing return.expired',
    payload: ScheduledPayload,
  },
});
