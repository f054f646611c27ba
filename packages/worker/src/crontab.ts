import { cronEntries, DOMAINS } from '@ipay/api';
import { parseCronItems, type ParsedCronItem } from 'graphile-worker';

/** The domains' cron entries (five-field cron, UTC); a missed run is not backfilled. */
export function cronItems(): ParsedCronItem[] {
  return parseCronItems(cronEntries(DOMAINS).map((entry) => ({ ...entry, options: { backfillPeriod: 0 } })));
}
