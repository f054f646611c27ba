import { z } from 'zod';
import { defineJobs } from '../../jobs/define';
import { ScheduledPayload } from '../../jobs/scheduled-payload';

export const PAYMENT_SESSIONS_JOBS = defineJobs({
  'payment-sessions.expire-overdue': {
    description: 'Expires pending payment sessions past their expiry and announces session.expired',
    payload: ScheduledPayload,
  },
  'payment-sessions.send-door-code': {
    description:
      "Sends a paid session's door code (OTP) to the consumer: e-mail through the outbox, SMS where a gateway is configured",
    payload: z.object({ sessionId: z.uuid() }).strict(),
  },
});
