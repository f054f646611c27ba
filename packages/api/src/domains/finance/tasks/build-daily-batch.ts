import type { TaskHandler } from '../../../jobs/task';
import { buildDailyBatch, previousAmsterdamDay } from '../service/build';

export const financeBuildDailyBatch: TaskHandler<'finance.build-daily-batch'> = async (
  payload,
  { db, logger, config },
) => {
  const result = await db.transaction().execute(async (trx) =>
    buildDailyBatch(trx, {
      day: payload.day ?? (await previousAmsterdamDay(trx)),
      triggeredBy: payload.triggeredBy ?? null,
      platformDefaultFeeMinor: config.settlement.defaultFeePerOrderMinor,
    }),
  );
  if (result.changed && result.batch) {
    logger.info(`built finance batch ${result.batch.day} revision ${result.batch.revision}`);
  }
};
