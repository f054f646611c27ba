import { processPlatformWebhook } from '../service/webhooks';
import type { TaskHandler } from '../../../jobs/task';

export const integrationsProcessWebhook: TaskHandler<'integrations.process-webhook'> = async (
  payload,
  { db, config, encryptionKey, logger },
) => {
  // Some platforms push only an order id: the job fetches the order with the connection's credentials.
  const outcome = await processPlatformWebhook(db, {
    ...payload,
    settings: { allowPrivateUrls: config.webhooks.allowPrivateUrls },
    encryptionKey,
  });
  logger.info(`${payload.provider} webhook ${payload.deliveryId}: ${outcome}`);
};
