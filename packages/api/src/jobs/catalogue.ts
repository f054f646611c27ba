import { z } from 'zod';

interface JobDefinition {
  description: string;
  payload: z.ZodType;
}

/**
 * Every background task with its payload schema, declared once: enqueuing is typed against it, the worker
 * parses payloads with it again at run time (old jobs may carry old shapes), and the CLI validates with it.
 */
export const JOB_CATALOGUE = {
  'events.dispatch': {
    description: 'Hands one committed domain event to its consumers and marks it dispatched',
    payload: z.object({ eventId: z.uuid() }).strict(),
  },
  'maintenance.purge-expired': {
    description: 'Deletes expired idempotency keys, rate-limit windows and event-stream tickets',
    payload: z.object({}).strict(),
  },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOB_CATALOGUE;
export type JobPayload<N extends JobName> = z.infer<(typeof JOB_CATALOGUE)[N]['payload']>;
export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export function isJobName(value: string): value is JobName {
  return Object.hasOwn(JOB_CATALOGUE, value);
}
