import { z } from 'zod';

interface JobDefinition {
  description: string;
  payload: z.ZodType;
}

/**
 * The payload of a task the crontab runs: graphile-worker adds `_cron` (when the run was due, and whether it
 * is a backfill) to every job it schedules; run by hand (`pnpm ipay jobs add`, run-now) it is empty.
 */
const ScheduledPayload = z
  .object({ _cron: z.object({ ts: z.string(), backfilled: z.boolean() }).strict().optional() })
  .strict();

/**
 * Every background task with its payload schema, declared once: enqueuing is typed against it, the worker
 * parses payloads with it again at run time (old jobs may carry old shapes), and the CLI validates with it.
 */
export const JOB_CATALOGUE = {
  'events.dispatch': {
    description: 'Hands one committed domain event to its consumers and marks it dispatched',
    payload: z.object({ eventId: z.uuid() }).strict(),
  },
  'payment-sessions.expire-overdue': {
    description: 'Expires pending payment sessions past their expiry and announces session.expired',
    payload: ScheduledPayload,
  },
  'integrations.schedule-syncs': {
    description:
      'The 15-minute scheduler pass: one integrations.sync job per connected integration that is not backing off',
    payload: ScheduledPayload,
  },
  'integrations.sync': {
    description: "Pulls one integration's recent orders and upserts them, recording the run in the sync log",
    payload: z.object({ integrationId: z.uuid(), trigger: z.enum(['schedule', 'run_now']) }).strict(),
  },
  'integrations.process-webhook': {
    description: 'Imports the order a shop pushed (a verified, deduplicated webhook delivery)',
    payload: z
      .object({
        provider: z.string().min(1),
        // Optional for jobs queued before deliveries were keyed per connection (integration).
        integrationId: z.uuid().optional(),
        deliveryId: z.string().min(1),
      })
      .strict(),
  },
  'maintenance.purge-expired': {
    description: 'Deletes expired idempotency keys, rate-limit windows and event-stream tickets',
    payload: ScheduledPayload,
  },
  'webhooks.deliver': {
    description: 'Makes one attempt at a webhook delivery and schedules the next one if it fails',
    payload: z.object({ deliveryId: z.uuid() }).strict(),
  },
  'notifications.send-email': {
    description:
      'Sends one queued e-mail through the configured provider (Resend), or keeps it in the outbox',
    payload: z.object({ emailId: z.uuid() }).strict(),
  },
  'benefit-cards.process-order': {
    description: 'Processes a benefit-card order held until its processingDate: starts the card deliveries',
    payload: z.object({ orderId: z.number().int().min(1) }).strict(),
  },
  'benefit-cards.deliver-card': {
    description:
      "Makes one attempt at a card delivery (SMS, e-mail or the program's webhook); schedules the next",
    payload: z.object({ deliveryId: z.uuid() }).strict(),
  },
  'orders.process-upload': {
    description:
      'Imports the parked rows of a large order upload, announcing order_upload.progress and .completed',
    payload: z.object({ uploadId: z.uuid() }).strict(),
  },
  'orders.fail-abandoned-uploads': {
    description:
      'Ends as failed the order uploads that no job will finish (runs used up by a worker that died, job gone)',
    payload: ScheduledPayload,
  },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOB_CATALOGUE;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOGUE)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export function isJobName(value: string): value is JobName {
  return Object.hasOwn(JOB_CATALOGUE, value);
}
