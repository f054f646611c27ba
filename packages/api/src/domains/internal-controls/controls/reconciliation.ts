import { sql } from 'kysely';
import { defineControl, hoursBefore } from './define';

/** A carrier invoice line billed more than this above or below the tariff is a delta to dispute. */
export const CARRIER_DELTA_THRESHOLD_MINOR = 500;

export const RECONCILIATION_CONTROLS = [
  defineControl({
    id: 'rc.carrier-invoice-deltas',
    title: 'Carrier invoice deltas are decided',
    category: 'reconciliation',
    owner: 'finance',
    metric: `mismatched carrier invoice lines more than ${CARRIER_DELTA_THRESHOLD_MINOR} minor units off the tariff, without a decision`,
    thresholds: { amber: 1, red: 10 },
    offenders: () => sql`
      select id::text as id from carrier_reconciliations
      where status = 'MISMATCH' and decision is null
        and abs(delta_minor) > ${CARRIER_DELTA_THRESHOLD_MINOR}`,
  }),
  defineControl({
    id: 'rc.carrier-lines-unmatched',
    title: 'Carrier invoice lines without a parcel are resolved within a week',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'invoice lines matching no parcel, undecided for more than 7 days',
    thresholds: { amber: 1, red: 20 },
    offenders: (clock) => sql`
      select id::text as id from carrier_reconciliations
      where status = 'UNMATCHED_IN_DB' and decision is null and created_at < ${hoursBefore(clock, 24 * 7)}`,
  }),
  defineControl({
    id: 'rc.paid-not-delivered',
    title: 'No session stays paid for two weeks without delivery',
    category: 'reconciliation',
    owner: 'operator',
    metric: 'sessions paid more than 14 days ago, not yet released or delivered',
    thresholds: { amber: 1, red: 10 },
    offenders: (clock) => sql`
      select id::text as id from payment_sessions
      where status = 'PAID' and paid_at < ${hoursBefore(clock, 24 * 14)}`,
  }),
  defineControl({
    id: 'rc.released-not-delivered',
    title: 'Released parcels are delivered within three days',
    category: 'reconciliation',
    owner: 'operator',
    metric: 'sessions released at the door more than 3 days ago and not delivered',
    thresholds: { amber: 1, red: 10 },
    offenders: (clock) => sql`
      select id::text as id from payment_sessions
      where status = 'RELEASED' and released_at < ${hoursBefore(clock, 24 * 3)}`,
  }),
  defineControl({
    id: 'rc.ledger-not-zero',
    title: 'The wallet ledger sums to zero',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'currencies whose ledger accounts’ posted credits minus debits do not sum to zero',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select currency as id from ledger_accounts
      group by currency
      having sum(credits_posted - debits_posted) <> 0 or sum(credits_pending - debits_pending) <> 0`,
  }),
  defineControl({
    id: 'rc.ledger-balances-differ',
    title: 'Ledger balances equal their posted transfers',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'ledger accounts whose posted debits or credits differ from the sum of their posted transfers',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select a.id::text as id from ledger_accounts a
      left join (
        select debit_account_id as account_id, sum(amount_minor) as total from ledger_transfers
        where state = 'posted' group by debit_account_id
      ) d on d.account_id = a.id
      left join (
        select credit_account_id as account_id, sum(amount_minor) as total from ledger_transfers
        where state = 'posted' group by credit_account_id
      ) c on c.account_id = a.id
      where a.debits_posted <> coalesce(d.total, 0) or a.credits_posted <> coalesce(c.total, 0)`,
  }),
  defineControl({
    id: 'rc.ledger-pending-stale',
    title: 'Wallet holds resolve within a day',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'ledger transfers still pending more than 24 hours after they were made',
    thresholds: { amber: 1, red: 5 },
    offenders: (clock) => sql`
      select id::text as id from ledger_transfers
      where state = 'pending' and created_at < ${hoursBefore(clock, 24)}`,
  }),
];
