import type { TaskHandler } from '../../../jobs/task';
import { runDailyRound } from '../service/daily';

export const internalControlsRunDaily: TaskHandler<'internal-controls.run-daily'> = async (
  payload,
  { db, config, logger },
) => {
  // A backfilled run checks the day it was due, not the day it finally ran.
  const now = payload._cron ? new Date(payload._cron.ts) : new Date();
  const round = await runDailyRound(db, { now, publicUrl: config.publicUrl });
  logger.info(
    `internal controls ${round.date}: ${round.red} red, ${round.amber} amber; digest to ${round.digestRecipients}`,
  );
};
