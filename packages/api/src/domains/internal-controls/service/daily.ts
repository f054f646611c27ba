import type { Db } from '@ipay/db';
import { queueDailyDigest } from './digest';
import { pruneControlResults, runDailyControls } from './run-controls';
import { takeSnapshots } from './snapshots';

export interface DailyRound {
  date: string;
  red: number;
  amber: number;
  digestRecipients: number;
}

/**
 * The daily round: every control, the data-integrity snapshots (pruned to 30 days), then the digest to the
 * finance group. Each step is idempotent for the day, so a retried job redoes the checks and sends nothing twice.
 */
export async function runDailyRound(db: Db, options: { now: Date; publicUrl: string }): Promise<DailyRound> {
  const outcomes = await runDailyControls(db, { now: options.now });
  await pruneControlResults(db, options.now);
  await takeSnapshots(db, options.now);
  const digest = await db.transaction().execute((trx) => queueDailyDigest(trx, options));
  return {
    date: digest.date,
    red: outcomes.filter((o) => o.status === 'RED').length,
    amber: outcomes.filter((o) => o.status === 'AMBER').length,
    digestRecipients: digest.recipients.length,
  };
}
