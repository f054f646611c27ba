import { sql, type RawBuilder } from 'kysely';
import type { DbExecutor } from '@ipay/db';
import { pspMoney } from '../../payments/service/money-movements';
import { platformCreditsBySource } from '../../wallet/service/platform-credits';
import {
  returnLedgerTransferIds,
  returnRefundsForBooks,
  type ReturnRefundGroup,
} from '../../returns/service/refund-money';

/** What one Amsterdam day moved, read set-based; amounts in minor units, one row per group. */
export interface DaySources {
  collected: Array<{ psp: string; currency: string; amount_minor: number; count: number }>;
  refunded: Array<{ psp: string; currency: string; amount_minor: number; count: number }>;
  walletCredits: Array<{ source: string; currency: string; amount_minor: number; count: number }>;
  payouts: Array<{ psp: string; currency: string; gross_minor: number; fee_minor: number; count: number }>;
  fees: Array<{ currency: string; fee_minor: number; count: number }>;
  returnRefunds: ReturnRefundGroup[];
}

/** The instant an Amsterdam day starts, as timestamptz (DST-aware). */
export function amsterdamDayStart(day: string | RawBuilder<string>, offsetDays = 0): RawBuilder<Date> {
  return sql<Date>`((${day}::date + ${offsetDays}::int)::timestamp at time zone 'Europe/Amsterdam')`;
}

/** IPAY's fee per order, by currency, for the orders paid that day (the settlement domain's rule). */
export type FeeSource = (
  db: DbExecutor,
  day: string,
) => Promise<Array<{ currency: string; fee_minor: number; count: number }>>;

export async function readDaySources(db: DbExecutor, day: string, fees: FeeSource): Promise<DaySources> {
  const start = amsterdamDayStart(day);
  const end = amsterdamDayStart(day, 1);
  const collected = await pspMoney(db, { movement: 'collected', from: start, to: end });
  const refunded = await pspMoney(db, { movement: 'refunded', from: start, to: end });
  // Money put into wallets from IPAY's own platform accounts (goodwill, promotions); wallet payments and
  // refunds are payments rows (psp `wallet`). Returns' credits and bonuses are booked from the returns domain
  // (merchant-funded), so left out here.
  const walletCredits = await platformCreditsBySource(db, {
    from: start,
    to: end,
    except: returnLedgerTransferIds(db),
  });
  const payouts = await db
    .selectFrom('psp_payouts')
    .where('arrival_day', '=', day)
    .groupBy(['psp', 'currency'])
    .select([
      'psp',
      'currency',
      sql<number>`sum(gross_minor)::int8`.as('gross_minor'),
      sql<number>`sum(fee_minor)::int8`.as('fee_minor'),
      sql<number>`count(*)::int`.as('count'),
    ])
    .orderBy('psp')
    .orderBy('currency')
    .execute();
  const returnRefunds = await returnRefundsForBooks(db, { from: start, to: end });
  return { collected, refunded, walletCredits, payouts, fees: await fees(db, day), returnRefunds };
}
