import { processOrder as processBenefitOrder } from '../service/process-order';
import type { TaskHandler } from '../../../jobs/task';

/** Runs at the order's processingDate (job `run_at`); a cancelled or already processed order is left alone. */
export const benefitCardsProcessOrder: TaskHandler<'benefit-cards.process-order'> = async (
  { orderId },
  { db, logger },
) => {
  const outcome = await db.transaction().execute((trx) => processBenefitOrder(trx, orderId));
  logger.info(`benefit-card order ${orderId}: ${outcome}`);
};
