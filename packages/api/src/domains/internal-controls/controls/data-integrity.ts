import { sql } from 'kysely';
import { defineControl } from './define';

/** Sessions whose money is in: paid, handed over or delivered (a refunded one is checked by settlement match). */
export const MONEY_IN = sql.raw(`('PAID', 'RELEASED', 'DELIVERED')`);

/** The PSP part of a session: its succeeded payments from the session's own provider, not to be refunded. */
const PSP_PAYMENTS = sql`
  select p.session_id, count(*) as n
  from payments p
  join payment_sessions s on s.id = p.session_id
  where p.status = 'succeeded' and not p.needs_refund and p.psp = s.psp and s.status in ${MONEY_IN}
  group by p.session_id`;

export const DATA_INTEGRITY_CONTROLS = [
  defineControl({
    id: 'di.paid-session-without-payment',
    title: 'Every paid session has its PSP payment',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'paid, released or delivered sessions with no succeeded payment from their own provider',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select s.id::text as id from payment_sessions s
      left join (${PSP_PAYMENTS}) p on p.session_id = s.id
      where s.status in ${MONEY_IN} and p.session_id is null`,
  }),
  defineControl({
    id: 'di.paid-session-several-payments',
    title: 'No paid session has more than one PSP payment',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'paid sessions with two or more succeeded payments from their provider (a double charge)',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`select session_id::text as id from (${PSP_PAYMENTS}) p where p.n > 1`,
  }),
  defineControl({
    id: 'di.order-total-mismatch',
    title: 'Every order total equals its items plus shipping minus discount',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'orders whose total_minor differs from items + shipping − discount',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select id::text as id from orders
      where total_minor <> items_total_minor + shipping_minor - discount_minor`,
    note: 'A check constraint enforces it on write; the control catches a constraint dropped or data loaded around it.',
  }),
  defineControl({
    id: 'di.order-items-sum-mismatch',
    title: 'Every order’s items total equals the sum of its lines',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'orders with lines whose items_total_minor differs from the sum of the lines',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select o.id::text as id from orders o
      join (select order_id, sum(line_total_minor) as total from order_items group by order_id) i
        on i.order_id = o.id
      where i.total <> o.items_total_minor`,
  }),
  defineControl({
    id: 'di.item-line-total-mismatch',
    title: 'Every order line equals quantity × unit price',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'order lines (order id#position) whose line total differs from quantity × unit price',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select order_id::text || '#' || position as id from order_items
      where line_total_minor <> quantity * unit_price_minor`,
  }),
  defineControl({
    id: 'di.session-amount-mismatch',
    title: 'Every live session asks the order’s total in the order’s currency',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'sessions (not cancelled or expired) whose amount or currency differs from their order’s',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select s.id::text as id from payment_sessions s
      join orders o on o.id = s.order_id
      where s.status not in ('CANCELLED', 'EXPIRED')
        and (s.amount_minor <> o.total_minor or s.currency <> o.currency)`,
  }),
  defineControl({
    id: 'di.payment-currency-mismatch',
    title: 'Every payment is in its session’s currency',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'payments whose currency differs from their session’s',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select p.id::text as id from payments p
      join payment_sessions s on s.id = p.session_id
      where p.currency <> s.currency`,
  }),
  defineControl({
    id: 'di.points-negative',
    title: 'Points balances are never negative',
    category: 'data_integrity',
    owner: 'operator',
    metric: 'points lots with a negative remainder or more spent than earned',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select id::text as id from points_lots
      where remaining < 0 or spent < 0 or spent > points`,
  }),
  defineControl({
    id: 'di.order-not-paid-but-session-paid',
    title: 'An order with a paid session is marked paid',
    category: 'data_integrity',
    owner: 'operator',
    metric:
      'orders still open, pending or cancelled while one of their sessions is paid, released or delivered',
    thresholds: { amber: 1, red: 1 },
    offenders: () => sql`
      select distinct o.id::text as id from orders o
      join payment_sessions s on s.order_id = o.id
      where s.status in ${MONEY_IN} and o.status in ('OPEN', 'PAYMENT_PENDING', 'CANCELLED')`,
  }),
];
