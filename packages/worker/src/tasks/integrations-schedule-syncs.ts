import { enqueueSyncs } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const integrationsScheduleSyncs: TaskHandler<'integrations.schedule-syncs'> = async (
  _payload,
  { db, logger },
) => {
  const { syncs_enqueued, backing_off } = await enqueueSyncs(db, 'schedule');
  logger.info(`scheduler pass: ${syncs_enqueued} syncs enqueued, ${backing_off} integrations backing off`);
};
