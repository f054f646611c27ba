import { failQueuedUpload, processQueuedUpload } from '../upload/service';
import type { TaskHandler } from '../../../jobs/task';

/**
 * Imports a large upload. A failed run is retried by the queue; when the last run fails the upload is ended as
 * `failed`, since no run is left to finish it, and the error is still thrown so the job shows among failed jobs.
 */
export const ordersProcessUpload: TaskHandler<'orders.process-upload'> = async (
  { uploadId },
  { db, logger, attempt, maxAttempts },
) => {
  try {
    const upload = await processQueuedUpload(db, uploadId);
    logger.info(
      `order upload ${uploadId}: ${upload.status}, ${upload.created_count} created, ${upload.existing_count} existing, ${upload.rejected_count} rows rejected`,
    );
  } catch (error) {
    if (attempt >= maxAttempts) {
      const failed = await failQueuedUpload(db, { uploadId, error, attempts: attempt });
      if (failed) logger.error(`order upload ${uploadId}: failed for good after ${attempt} attempts`);
    }
    throw error;
  }
};
