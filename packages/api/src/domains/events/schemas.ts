import { z } from 'zod';
import { Timestamp } from '../../platform/time';

export const DomainEvent = z
  .object({
    id: z.uuid().describe('Stable event id; receivers dedupe on it'),
    type: z.string().describe('e.g. `user.registered`, `order.created`'),
    resourceType: z.string(),
    resourceId: z.string(),
    sequence: z.number().int().describe('1, 2, 3… per resource, in commit order'),
    organizationId: z.uuid().nullable(),
    occurredAt: Timestamp,
    data: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'DomainEvent' });
export type DomainEvent = z.infer<typeof DomainEvent>;
