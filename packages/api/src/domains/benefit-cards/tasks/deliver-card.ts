import { deliverCard } from '../service/deliver-card';
import type { TaskHandler } from '../../../jobs/task';

/**
 * One attempt at a card delivery. Retries of failed attempts are scheduled by the domain as new runs of
 * this job; the job queue's own retry only covers a handler that crashed (at-least-once).
 */
export const benefitCardsDeliverCard: TaskHandler<'benefit-cards.deliver-card'> = async (
  { deliveryId },
  { db, config, encryptionKey, logger },
) => {
  const outcome = await deliverCard(db, {
    deliveryId,
    settings: {
      publicUrl: config.publicUrl,
      encryptionKey,
      allowPrivateUrls: config.webhooks.allowPrivateUrls,
      sms: config.sms,
    },
  });
  logger.info(`card delivery ${deliveryId}: ${outcome}`);
};
