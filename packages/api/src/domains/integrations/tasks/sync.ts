import { runScheduledSync } from '../../scheduler/service';
import type { TaskHandler } from '../../../jobs/task';

export const integrationsSync: TaskHandler<'integrations.sync'> = async (
  payload,
  { db, config, encryptionKey, logger },
) => {
  const outcome = await runScheduledSync(db, {
    ...payload,
    settings: { allowPrivateUrls: config.webhooks.allowPrivateUrls },
    encryptionKey,
  });
  // A provider failure is recorded on the integration (status, backoff, sync log); the job itself is done.
  if (outcome !== 'gone' && !outcome.ok)
    logger.warn(`integration ${payload.integrationId} sync failed: ${outcome.error}`);
  // sync_runs keeps counts only: a scheduled sync's refused tracking numbers are told in the job log.
  if (outcome !== 'gone' && outcome.ok) {
    for (const refusal of outcome.result.shipment_refusals)
      logger.warn(
        `integration ${payload.integrationId} order ${refusal.platform_order_id}: tracking not set: ${refusal.reason}`,
      );
  }
};
