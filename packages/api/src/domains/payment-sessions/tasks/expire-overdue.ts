import { expireOverdueSessions } from '../service/expire-sessions';
import type { TaskHandler } from '../../../jobs/task';

export const paymentSessionsExpireOverdue: TaskHandler<'payment-sessions.expire-overdue'> = async (
  _payload,
  { db, logger },
) => {
  const expired = await expireOverdueSessions(db);
  if (expired) logger.info(`expired ${expired} overdue payment sessions`);
};
