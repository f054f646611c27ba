import type { TaskHandler } from '../../../jobs/task';
import { matchInvoiceImport } from '../service/matching';

/** Matches one import; a failed run is retried by the queue and matching is all or nothing, so a retry starts clean. */
export const carrierReconciliationMatchImport: TaskHandler<'carrier-reconciliation.match-import'> = async (
  { importId },
  { db, logger },
) => {
  const summary = await matchInvoiceImport(db, importId);
  if (!summary) {
    logger.info(`carrier invoice import ${importId}: gone or not imported, nothing to match`);
    return;
  }
  const counts = Object.entries(summary.counts)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  logger.info(
    `carrier invoice import ${importId} (${summary.carrierCode}): ${summary.matchedNow ? 'matched' : 'matched before'}, ${counts}`,
  );
};
