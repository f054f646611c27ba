import type { TaskHandler } from '../../../jobs/task';
import { expireDueLockerCodes } from '../service/codes';
import { forgetOldSignatures } from '../service/receive';

export const lockersExpireCodes: TaskHandler<'lockers.expire-codes'> = async (_payload, { db, logger }) => {
  const expired = await expireDueLockerCodes(db);
  const forgotten = await forgetOldSignatures(db);
  if (expired || forgotten)
    logger.info(`expired ${expired} locker codes; forgot ${forgotten} old signatures`);
};
