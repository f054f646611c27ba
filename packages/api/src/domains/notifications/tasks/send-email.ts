import { createEmailSender } from '../email-sender';
import { sendQueuedEmail } from '../service';
import type { TaskHandler } from '../../../jobs/task';

export const notificationsSendEmail: TaskHandler<'notifications.send-email'> = async (
  { emailId },
  { db, config, logger, attempt, maxAttempts },
) => {
  const outcome = await sendQueuedEmail(db, {
    emailId,
    sender: createEmailSender(config.email),
    from: config.email.from,
    lastAttempt: attempt >= maxAttempts,
  });
  logger.info(`e-mail ${emailId}: ${outcome}`);
};
