import { withHandlers } from '../../jobs/task';
import { defineDomain } from '../../platform/domain';
import { NOTIFICATIONS_JOBS } from './jobs';
import { notificationsRouter } from './router';
import { emailAttachmentRoute, resendWebhookRoute } from './routes';
import { notificationsSendEmail } from './tasks/send-email';
import { notificationsSendSms } from './tasks/send-sms';

export const notificationsDomain = defineDomain({
  name: 'notifications',
  trpc: { notifications: notificationsRouter },
  routes: [emailAttachmentRoute, resendWebhookRoute],
  jobs: withHandlers(NOTIFICATIONS_JOBS, {
    'notifications.send-email': notificationsSendEmail,
    'notifications.send-sms': notificationsSendSms,
  }),
});
