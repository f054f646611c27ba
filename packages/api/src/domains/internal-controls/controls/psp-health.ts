import { sql } from 'kysely';
import { defineControl, hoursBefore, startOfDay } from './define';

export const PSP_HEALTH_CONTROLS = [
  defineControl({
    id: 'psp.failed-payments-today',
    title: 'Few payments fail today',
    category: 'psp_health',
    owner: 'operator',
    metric: 'failed payments today as a percentage of all payments today',
    thresholds: { amber: 10, red: 25 },
    offenders: (clock) => sql`
      select id::text as id from payments
      where status = 'failed' and created_at >= ${startOfDay(clock)}`,
    population: (clock) => sql`select count(*) from payments where created_at >= ${startOfDay(clock)}`,
  }),
  defineControl({
    id: 'psp.sessions-past-expiry',
    title: 'Unpaid sessions expire on time',
    category: 'psp_health',
    owner: 'operator',
    metric: 'sessions still pending payment more than an hour past their expiry (the expiry job is behind)',
    thresholds: { amber: 1, red: 10 },
    offenders: (clock) => sql`
      select id::text as id from payment_sessions
      where status = 'PENDING_PAYMENT' and expires_at < ${hoursBefore(clock, 1)}`,
  }),
  defineControl({
    id: 'psp.refunds-owed-over-a-day',
    title: 'Payments to refund are refunded within a day',
    category: 'psp_health',
    owner: 'finance',
    metric: 'payments flagged for refund more than 24 hours ago and not refunded',
    thresholds: { amber: 1, red: 1 },
    offenders: (clock) => sql`
      select id::text as id from payments
      where needs_refund and refunded_at is null and created_at < ${hoursBefore(clock, 24)}`,
  }),
];
