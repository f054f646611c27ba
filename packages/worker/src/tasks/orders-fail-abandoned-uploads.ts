import { failAbandonedUploads } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const ordersFailAbandonedUploads: TaskHandler<'orders.fail-abandoned-uploads'> = async (
  _payload,
  { db, logger },
) => {
  const ended = await failAbandonedUploads(db);
  if (ended) logger.warn(`ended ${ended} abandoned order uploads as failed`);
};
