import { sendQueuedSms } from '../sms-outbox';
import type { TaskHandler } from '../../../jobs/task';

export const notificationsSendSms: TaskHandler<'notifications.send-sms'> = async (
  { smsId },
  { db, config, logger, attempt, maxAttempts },
) => {
  const outcome = await sendQueuedSms(db, {
    smsId,
    gateway: config.sms,
    lastAttempt: attempt >= maxAttempts,
  });
  logger.info(`SMS ${smsId}: ${outcome}`);
};
