import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { PAYMENT_SESSIONS_JOBS } from './jobs';
import { paymentSessionsRouter } from './router';
import { paymentSessionsExpireOverdue } from './tasks/expire-overdue';

export const paymentSessionsDomain = defineDomain({
  name: 'payment-sessions',
  trpc: { paymentSessions: paymentSessionsRouter },
  jobs: withHandlers(PAYMENT_SESSIONS_JOBS, {
    'payment-sessions.expire-overdue': paymentSessionsExpireOverdue,
  }),
  cron: [
    {
      task: 'payment-sessions.expire-overdue',
      match: '*/5 * * * *',
      identifier: 'expire-sessions-every-5-minutes',
    },
  ],
  events: {
    'session.created': { subscribable: true },
    'session.payment_started': { subscribable: true },
    'session.paid': { subscribable: true },
    'session.payment_failed': { subscribable: true },
    'session.payment_needs_refund': { subscribable: true },
    'session.otp_verified': { subscribable: true },
    'session.otp_failed': { subscribable: false },
    'session.otp_locked': { subscribable: true },
    'session.otp_unlocked': { subscribable: false },
    'session.expired': { subscribable: true },
    'session.cancelled': { subscribable: true },
    'session.refunded': { subscribable: true },
    'session.payment_refunded': { subscribable: true },
    'parcel.status_changed': { subscribable: true },
    'parcel.delivered': { subscribable: true },
  },
});
