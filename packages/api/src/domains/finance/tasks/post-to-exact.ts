import type { TaskHandler } from '../../../jobs/task';
import { postBatchToExact, reschedulePosting } from '../service/post';

export const financePostToExact: TaskHandler<'finance.post-to-exact'> = async (
  payload,
  { db, config, encryptionKey, logger },
) => {
  const outcome = await postBatchToExact(db, {
    batchId: payload.batchId,
    exact: config.exact,
    encryptionKey,
  });
  if (outcome.kind === 'rate_limited') {
    logger.info(
      `Exact rate limit reached; posting of ${payload.batchId} resumes at ${outcome.retryAt.toISOString()}`,
    );
    await reschedulePosting(db, payload.batchId, outcome.retryAt);
  } else if (outcome.kind === 'not_approved') {
    logger.warn(`finance batch ${payload.batchId} is ${outcome.status}: nothing posted`);
  } else {
    logger.info(`finance batch ${payload.batchId} posted (${outcome.booked} entries booked now)`);
  }
};
