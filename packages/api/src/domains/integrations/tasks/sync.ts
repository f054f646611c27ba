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
};
