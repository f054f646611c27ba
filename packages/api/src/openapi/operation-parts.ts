import { z } from 'zod';

/** Error responses of hand-written operations: problem details (components.schemas.Problem). */
export const PROBLEM_CONTENT = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
};

/** The body of an inbound webhook: any JSON, verified on its raw bytes. */
export const RAW_WEBHOOK_BODY = {
  required: true,
  content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
};
