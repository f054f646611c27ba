import type { DbTransaction } from '@ipay/db';
import { recordDomainEvent } from '../../events/service';
import type { UploadCounts, UploadRow } from './repository';

/** The order_upload.* events: progress of a job's batches, and the upload's end (completed or failed). */
export type UploadEventType = 'order_upload.progress' | 'order_upload.completed' | 'order_upload.failed';

export function countsOf(upload: UploadRow): UploadCounts {
  return {
    rowsProcessed: upload.rows_processed,
    created: upload.created_count,
    existing: upload.existing_count,
    rejected: upload.rejected_count,
  };
}

/** Written in the transaction that changed the upload, so the stream never announces what did not commit. */
export async function announceUpload(
  trx: DbTransaction,
  type: UploadEventType,
  upload: UploadRow,
  counts: UploadCounts = countsOf(upload),
): Promise<void> {
  await recordDomainEvent(trx, {
    type,
    resourceType: 'order_upload',
    resourceId: upload.id,
    organizationId: upload.merchant_id,
    // The uploading user: the job acts for them.
    actorUserId: upload.created_by,
    data: {
      uploadId: upload.id,
      status: upload.status,
      rowsTotal: upload.rows_total,
      rowsProcessed: counts.rowsProcessed,
      progress: upload.rows_total ? counts.rowsProcessed / upload.rows_total : 1,
      created: counts.created,
      existing: counts.existing,
      rejected: counts.rejected,
      ...(type === 'order_upload.failed' && { error: upload.error }),
    },
  });
}
