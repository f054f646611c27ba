import { purgeEndedSignIns } from '../../../domains/consumer/service';
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
  const signIns = await purgeEndedSignIns(db);
  logger.info(
    `purged ${keys} expired idempotency keys, ${buckets} rate-limit windows, ${tickets} stream tickets, ${signIns.links} consumer sign-in links and ${signIns.sessions} ended consumer sessions`,
  );
};
