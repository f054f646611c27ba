import type { z } from 'zod';

/** A declared job: what the catalogue knows (enqueueing, the worker and the CLI validate against it). */
export interface JobDefinition {
  description: string;
  payload: z.ZodType;
}

/**
 * Declares a domain's jobs (named `<domain>.<task>`) in the domain's `jobs.ts`. Schemas only: services import
 * the catalogue to enqueue, so it must not pull in handlers, routers or servers.
 */
export function defineJobs<const J extends Record<string, JobDefinition>>(jobs: J): J {
  return jobs;
}
