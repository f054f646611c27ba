import type { TaskHandler } from '../../../jobs/task';
import { refundReturnAtPsp } from '../service/psp-refund';

export const returnsRefund: TaskHandler<'returns.refund'> = async (payload, { db, config, logger }) => {
  if (await refundReturnAtPsp(db, config, payload.returnId))
    logger.info(`refunded return ${payload.returnId}`);
};
