import type { TaskHandler } from '../../../jobs/task';
import { expireDuePoints } from '../service/expiry';

export const pointsExpireDue: TaskHandler<'points.expire-due'> = async (_payload, { db, logger }) => {
  const expired = await expireDuePoints(db);
  if (expired) logger.info(`expired ${expired} points lots`);
};
