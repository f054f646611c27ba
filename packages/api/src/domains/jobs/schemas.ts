import { z } from 'zod';
import { Timestamp } from '../../platform/time';

export const Job = z
  .object({
    id: z.string().describe('graphile-worker job id'),
    task: z.string(),
    queue: z.string().nullable(),
    payload: z.unknown(),
    runAt: Timestamp,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    lastError: z.string().nullable(),
    key: z.string().nullable(),
    locked: z.boolean().describe('A worker is running it right now'),
    createdAt: Timestamp,
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

export const ListJobsInput = z.object({
  failed: z.boolean().default(false).describe('Only jobs whose last attempt failed'),
  limit: z.number().int().min(1).max(500).default(50),
});
export type ListJobsInput = z.infer<typeof ListJobsInput>;
