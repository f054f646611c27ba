import type { Db } from '@ipay/db';
import { transitionReturn } from './transitions';

const BATCH = 200;

/**
 * Expires approved cases (with or without a label) whose parcel was not handed in before `expires_at`, each in
 * its own transaction through the state machine, so a scan that arrives meanwhile wins or finds it expired.
 * Returns how many expired.
 */
export async function expireDueReturns(db: Db, now: Date = new Date()): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await db
      .selectFrom('return_cases')
      .select('id')
      .where('status', 'in', ['APPROVED', 'LABEL_CREATED'])
      .where('expires_at', '<=', now)
      .orderBy('expires_at')
      .limit(BATCH)
      .execute();
    for (const { id } of due) {
      const row = await db
        .transaction()
        .execute((trx) =>
          transitionReturn(trx, { returnId: id, to: 'EXPIRED', occurredAt: now, source: 'system' }),
        );
      if (row.status === 'EXPIRED') expired += 1;
    }
    if (due.length < BATCH) return expired;
  }
}
