import { processQueuedUpload } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const ordersProcessUpload: TaskHandler<'orders.process-upload'> = async (
  { uploadId },
  { db, logger },
) => {
  const upload = await processQueuedUpload(db, uploadId);
  logger.info(
    `order upload ${uploadId}: ${upload.status}, ${upload.created_count} created, ${upload.existing_count} existing, ${upload.rejected_count} rows rejected`,
  );
};
