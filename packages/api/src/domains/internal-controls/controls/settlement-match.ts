import { sql } from 'kysely';
import { MONEY_IN } from './data-integrity';
import { defineControl } from './define';

const PENDING_SETTLEMENT =
  'Once settlement lands: settlement totals equal the sum of their days, and each day’s gross equals the day’s paid sessions.';

export const SETTLEMENT_MATCH_CONTROLS = [
  defineControl({
    id: 'sm.payments-differ-from-session',
    title: 'What was collected for a paid session equals its amount',
    category: 'settlement_match',
    owner: 'finance',
    metric:
      'paid sessions whose succeeded payments (PSP and wallet part) do not add up to the session amount',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select s.id::text as id from payment_sessions s
      left join (
        select session_id, sum(amount_minor) as total from payments
        where status = 'succeeded' and not needs_refund
        group by session_id
      ) p on p.session_id = s.id
      where s.status in ${MONEY_IN} and coalesce(p.total, 0) <> s.amount_minor`,
    note: PENDING_SETTLEMENT,
  }),
  defineControl({
    id: 'sm.refunded-without-psp-refund',
    title: 'Every refunded session has a refund recorded at the PSP',
    category: 'settlement_match',
    owner: 'finance',
    metric: 'refunded sessions with a succeeded payment lacking a PSP refund id or refund time',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select distinct s.id::text as id from payment_sessions s
      join payments p on p.session_id = s.id
      where s.status = 'REFUNDED' and p.status = 'succeeded'
        and (p.refunded_at is null or p.psp_refund_id is null)`,
  }),
  defineControl({
    id: 'sm.paid-without-paid-event',
    title: 'Every paid session announced its payment',
    category: 'settlement_match',
    owner: 'finance',
    metric:
      'sessions with a paid time but no session.paid domain event (settlement and webhooks read the event)',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select s.id::text as id from payment_sessions s
      where s.paid_at is not null
        and not exists (
          select 1 from domain_events e
          where e.type = 'session.paid' and e.resource_type = 'payment_session' and e.resource_id = s.id::text
        )`,
  }),
  defineControl({
    id: 'sm.payment-on-unpaid-session',
    title: 'Money taken is money for a paid session',
    category: 'settlement_match',
    owner: 'finance',
    metric: 'succeeded payments, not flagged for refund, on a session still pending, expired or cancelled',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select p.id::text as id from payments p
      join payment_sessions s on s.id = p.session_id
      where p.status = 'succeeded' and not p.needs_refund
        and s.status in ('PENDING_PAYMENT', 'EXPIRED', 'CANCELLED')`,
  }),
];
