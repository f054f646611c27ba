import { expireOverdueSessions } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const paymentSessionsExpireOverdue: TaskHandler<'payment-sessions.expire-overdue'> = async (
  _payload,
  { db, logger },
) => {
  const expired = await expireOverdueSessions(db);
  if (expired) logger.info(`expired ${expired} overdue payment sessions`);
};
