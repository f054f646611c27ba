import { sql } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { ipayFeesForPeriod } from '../../settlement/service/fees';
import { amsterdamDayStart, type FeeSource } from './day-sources';

/**
 * IPAY's fees of the orders paid on an Amsterdam day, per currency, by the settlement domain's rule (the
 * merchant's contract fee in force when the order was paid, else the installation's platform default), so the
 * books and the merchants' settlement statements agree to the cent.
 */
export const ipayFeesOfDay =
  (platformDefaultFeeMinor: number): FeeSource =>
  async (db: DbExecutor, day: string) => {
    const { rows } = await sql<{ from: Date; to: Date }>`
    select ${amsterdamDayStart(day)} as from, ${amsterdamDayStart(day, 1)} as to`.execute(db);
    const bounds = rows[0];
    if (!bounds) throw new Error('no day bounds from the database');
    const byCurrency = new Map<string, { currency: string; fee_minor: number; count: number }>();
    for (const row of await ipayFeesForPeriod(db, { ...bounds, platformDefaultFeeMinor })) {
      const total = byCurrency.get(row.currency) ?? { currency: row.currency, fee_minor: 0, count: 0 };
      total.fee_minor += row.fee_minor;
      total.count += row.order_count;
      byCurrency.set(row.currency, total);
    }
    return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  };
