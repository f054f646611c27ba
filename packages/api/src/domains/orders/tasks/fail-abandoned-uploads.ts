import { failAbandonedUploads } from '../upload/service';
import type { TaskHandler } from '../../../jobs/task';

export const ordersFailAbandonedUploads: TaskHandler<'orders.fail-abandoned-uploads'> = async (
  _payload,
  { db, logger },
) => {
  const { failed, discarded } = await failAbandonedUploads(db);
  if (failed) logger.warn(`ended ${failed} abandoned order uploads as failed`);
  if (discarded) logger.warn(`deleted ${discarded} order uploads left receiving by a request that died`);
};
