import { processPlatformWebhook } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const integrationsProcessWebhook: TaskHandler<'integrations.process-webhook'> = async (
  payload,
  { db, logger },
) => {
  const outcome = await processPlatformWebhook(db, payload);
  logger.info(`${payload.provider} webhook ${payload.deliveryId}: ${outcome}`);
};
