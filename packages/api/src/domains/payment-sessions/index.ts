import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { PAYMENT_SESSIONS_JOBS } from './jobs';
import { paymentSessionsRouter } from './router';
import { payPage, payResendPage, payStartPage } from './pay-page-route';
import { paymentSessionsExpireOverdue } from './tasks/expire-overdue';
import { paymentSessionsSendDoorCode } from './tasks/send-door-code';
import { PAYMENT_SESSION_EVENTS } from './events';

export const paymentSessionsDomain = defineDomain({
  name: 'payment-sessions',
  trpc: { paymentSessions: paymentSessionsRouter },
  jobs: withHandlers(PAYMENT_SESSIONS_JOBS, {
    'payment-sessions.expire-overdue': paymentSessionsExpireOverdue,
    'payment-sessions.send-door-code': paymentSessionsSendDoorCode,
  }),
  pages: [payPage, payStartPage, payResendPage],
  cron: [
    {
      task: 'payment-sessions.expire-overdue',
      match: '*/5 * * * *',
      identifier: 'expire-sessions-every-5-minutes',
    },
  ],
  events: PAYMENT_SESSION_EVENTS,
});
