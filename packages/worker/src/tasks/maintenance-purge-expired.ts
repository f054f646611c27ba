import { purgeExpiredIdempotencyKeys, purgeExpiredRateLimitBuckets } from '@ipay/api';
import type { TaskHandler } from './task-context';

export const maintenancePurgeExpired: TaskHandler<'maintenance.purge-expired'> = async (
  _payload,
  { db, logger },
) => {
  const keys = await purgeExpiredIdempotencyKeys(db);
  const buckets = await purgeExpiredRateLimitBuckets(db);
  logger.info(`purged ${keys} expired idempotency keys and ${buckets} rate-limit windows`);
};
