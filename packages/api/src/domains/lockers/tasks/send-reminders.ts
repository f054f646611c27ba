import type { TaskHandler } from '../../../jobs/task';
import { queueLockerReminders } from '../service/codes';

export const lockersSendReminders: TaskHandler<'lockers.send-reminders'> = async (
  _payload,
  { db, config, logger },
) => {
  const queued = await queueLockerReminders(db, { publicUrl: config.publicUrl });
  if (queued) logger.info(`queued ${queued} locker reminder e-mails`);
};
