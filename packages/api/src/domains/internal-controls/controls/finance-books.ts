import { sql } from 'kysely';
import { defineControl, hoursBefore } from './define';

/** Batches that still count: a superseded revision was replaced before it was booked. */
const LIVE_BATCH = sql`b.status <> 'superseded'`;

/** The accounting batches of the finance domain, checked the way an auditor reads the books. */
export const FINANCE_BOOK_CONTROLS = [
  defineControl({
    id: 'rc.batch-entries-unbalanced',
    title: 'Every journal entry of an accounting batch sums to zero',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'entries of live accounting batches whose lines do not sum to zero',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select e.id::text as id
      from finance_batch_entries e
      join finance_batches b on b.id = e.batch_id
      where ${LIVE_BATCH}
        and (select coalesce(sum((line->>'amount_minor')::bigint), 0) from jsonb_array_elements(e.lines) line) <> 0`,
  }),
  defineControl({
    id: 'rc.batch-approval-outdated',
    title: 'An approved or posted batch is the content its approver saw',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'approved or posted batches whose content hash differs from the one their approval was given for',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select b.id::text as id
      from finance_batches b
      join finance_batch_decisions d on d.batch_id = b.id and d.decision = 'approve'
      where b.status in ('approved', 'posted') and d.content_hash <> b.content_hash`,
  }),
  defineControl({
    id: 'rc.batch-posted-without-exact-id',
    title: 'Every entry of a posted batch is booked in Exact Online',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'entries of posted batches without the id Exact Online gave them',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select e.id::text as id
      from finance_batch_entries e
      join finance_batches b on b.id = e.batch_id
      where b.status = 'posted' and e.exact_entry_id is null`,
  }),
  defineControl({
    id: 'rc.batch-waiting',
    title: 'Accounting batches are approved and posted within two days',
    category: 'reconciliation',
    owner: 'finance',
    metric: 'batches pending, approved or failed for more than 48 hours',
    thresholds: { amber: 1, red: 3 },
    offenders: (clock) => sql`
      select b.id::text as id
      from finance_batches b
      where b.status in ('pending', 'approved', 'failed') and b.updated_at < ${hoursBefore(clock, 48)}`,
  }),
];
