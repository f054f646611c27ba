import { z } from 'zod';
import { defineJobs } from '../../jobs/define';

export const AUTH_JOBS = defineJobs({
  'auth.send-password-reset': {
    description:
      'Looks up the account of a password-reset request and, if there is an active one, mails it a reset link',
    payload: z.object({ email: z.string().min(1).max(254) }).strict(),
  },
});
