import { deliverWebhook } from '../service/deliver';
import type { TaskHandler } from '../../../jobs/task';

/**
 * One attempt at a webhook delivery. Retries of failed attempts are scheduled by the domain as new runs of
 * this job; the job queue's own retry only covers a handler that crashed (at-least-once).
 */
export const webhooksDeliver: TaskHandler<'webhooks.deliver'> = async (
  { deliveryId },
  { db, config, encryptionKey, logger },
) => {
  const outcome = await deliverWebhook(db, {
    deliveryId,
    settings: { encryptionKey, allowPrivateUrls: config.webhooks.allowPrivateUrls },
  });
  logger.info(`webhook delivery ${deliveryId}: ${outcome}`);
};
