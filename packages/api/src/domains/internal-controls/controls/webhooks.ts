import { sql } from 'kysely';
import { defineControl, hoursBefore, startOfDay } from './define';

/** Outbound traffic: merchants' webhooks, e-mail and the job queue that carries both. */
export const WEBHOOK_CONTROLS = [
  defineControl({
    id: 'wh.endpoints-disabled-today',
    title: 'Few webhook endpoints were disabled today',
    category: 'webhooks',
    owner: 'operator',
    metric: 'webhook endpoints disabled (by failures or by hand) today',
    thresholds: { amber: 1, red: 3 },
    offenders: (clock) => sql`
      select id::text as id from webhook_endpoints
      where status = 'disabled' and updated_at >= ${startOfDay(clock)}`,
  }),
  defineControl({
    id: 'wh.endpoints-failing-over-a-day',
    title: 'No active endpoint keeps failing',
    category: 'webhooks',
    owner: 'operator',
    metric: 'active webhook endpoints failing for more than 24 hours',
    thresholds: { amber: 1, red: 5 },
    offenders: (clock) => sql`
      select id::text as id from webhook_endpoints
      where status = 'active' and failing_since < ${hoursBefore(clock, 24)}`,
  }),
  defineControl({
    id: 'wh.deliveries-failed-today',
    title: 'Few webhook deliveries failed for good today',
    category: 'webhooks',
    owner: 'operator',
    metric: 'webhook deliveries that gave up today',
    thresholds: { amber: 1, red: 25 },
    offenders: (clock) => sql`
      select id::text as id from webhook_deliveries
      where status = 'failed' and updated_at >= ${startOfDay(clock)}`,
  }),
  defineControl({
    id: 'wh.deliveries-overdue',
    title: 'Webhook deliveries are attempted on time',
    category: 'webhooks',
    owner: 'operator',
    metric: 'pending webhook deliveries whose next attempt is more than an hour overdue',
    thresholds: { amber: 1, red: 25 },
    offenders: (clock) => sql`
      select id::text as id from webhook_deliveries
      where status = 'pending' and next_attempt_at < ${hoursBefore(clock, 1)}`,
  }),
  defineControl({
    id: 'wh.emails-failed-today',
    title: 'Few e-mails failed today',
    category: 'webhooks',
    owner: 'operator',
    metric: 'outbox e-mails that failed for good today',
    thresholds: { amber: 1, red: 5 },
    offenders: (clock) => sql`
      select id::text as id from email_outbox
      where status = 'failed' and updated_at >= ${startOfDay(clock)}`,
  }),
  defineControl({
    id: 'wh.emails-queued-over-an-hour',
    title: 'E-mails leave the outbox within an hour',
    category: 'webhooks',
    owner: 'operator',
    metric: 'e-mails still queued an hour after they were written',
    thresholds: { amber: 1, red: 20 },
    offenders: (clock) => sql`
      select id::text as id from email_outbox
      where status = 'queued' and created_at < ${hoursBefore(clock, 1)}`,
  }),
  defineControl({
    id: 'wh.jobs-failing-over-an-hour',
    title: 'No job keeps failing for more than an hour',
    category: 'webhooks',
    owner: 'platform_admin',
    metric: 'graphile-worker jobs with an error, created more than an hour ago',
    thresholds: { amber: 1, red: 10 },
    offenders: (clock) => sql`
      select id::text as id from graphile_worker.jobs
      where last_error is not null and created_at < ${hoursBefore(clock, 1)}`,
  }),
];
