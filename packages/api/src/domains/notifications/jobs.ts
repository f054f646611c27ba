import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const NOTIFICATIONS_JOBS = defineJobs({
  'notifications.send-email': {
    description:
      'Sends one queued e-mail through the configured provider (Resend), or keeps it in the outbox',
    payload: z.object({ emailId: z.uuid() }).strict(),
  },
  'notifications.send-sms': {
    description:
      'Sends one queued SMS through the configured gateway (MessageBird), or keeps it in the SMS outbox',
    payload: z.object({ smsId: z.uuid() }).strict(),
  },
});
