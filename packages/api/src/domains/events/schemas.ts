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

export const STREAM_TICKET_TTL_SECONDS = 60;

export const StreamTicket = z
  .object({
    ticket: z
      .string()
      .describe(
        `Opens one stream, within ${STREAM_TICKET_TTL_SECONDS} seconds: \`GET /api/events/stream?token=<ticket>\``,
      ),
    expiresAt: Timestamp,
    streamUrl: z.url().describe('The stream URL with this ticket in it'),
  })
  .meta({ id: 'StreamTicket' });
export type StreamTicket = z.infer<typeof StreamTicket>;

/** The query of `GET /api/events/stream`, for its OpenAPI description; the route reads it by hand. */
export const EventStreamQuery = z.object({
  token: z.string().describe('A ticket from `POST /api/events/stream-tickets`; it opens exactly one stream'),
  lastEventId: z
    .uuid()
    .optional()
    .describe('Resume after this event, for clients that cannot send the `Last-Event-ID` header'),
});

export const EventStreamHeaders = z.object({
  'Last-Event-ID': z
    .uuid()
    .optional()
    .describe('Resume after this event: every event of your scope since then is replayed, in order'),
});
