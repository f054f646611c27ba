import type { TaskHandler } from '../../../jobs/task';
import { expireDueReturns } from '../service/expire';

export const returnsExpire: TaskHandler<'returns.expire'> = async (_payload, { db, logger }) => {
  const expired = await expireDueReturns(db);
  if (expired) logger.info(`expired ${expired} return cases`);
};
