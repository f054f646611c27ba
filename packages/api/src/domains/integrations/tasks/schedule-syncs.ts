import { enqueueSyncs } from '../../scheduler/service';
import type { TaskHandler } from '../../../jobs/task';

export const integrationsScheduleSyncs: TaskHandler<'integrations.schedule-syncs'> = async (
  _payload,
  { db, logger },
) => {
  const { syncs_enqueued, backing_off } = await enqueueSyncs(db, 'schedule');
  logger.info(`scheduler pass: ${syncs_enqueued} syncs enqueued, ${backing_off} integrations backing off`);
};
