import { purgeExpiredStreamTickets } from '../../../domains/events/stream-tickets';
import { purgeExpiredIdempotencyKeys } from '../../idempotency';
import { purgeExpiredRateLimitBuckets } from '../../rate-limit';
import type { TaskHandler } from '../../../jobs/task';

export const maintenancePurgeExpired: TaskHandler<'maintenance.purge-expired'> = async (
  _payload,
  { db, logger },
) => {
  const keys = await purgeExpiredIdempotencyKeys(db);
  const buckets = await purgeExpiredRateLimitBuckets(db);
  const tickets = await purgeExpiredStreamTickets(db);
  logger.info(
    `purged ${keys} expired idempotency keys, ${buckets} rate-limit windows and ${tickets} stream tickets`,
  );
};
