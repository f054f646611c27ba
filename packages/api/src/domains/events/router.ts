import { z } from 'zod';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { StreamTicket } from './schemas';
import { issueStreamTicket } from './stream-tickets';

export const eventsRouter = router({
  createStreamTicket: permittedProcedure('events', 'read')
    .meta({
      // A replayed response would hand out a used ticket, and storing it would keep the ticket in clear.
      idempotent: false,
      openapi: {
        method: 'POST',
        path: '/api/events/stream-tickets',
        tags: ['events'],
        summary: 'Get a ticket for the live event stream',
        description:
          'Returns a single-use ticket, valid 60 seconds, to open `GET /api/events/stream?token=<ticket>` ' +
          '(EventSource cannot send an Authorization header). Get a new ticket for every (re)connection.',
        errorResponses: [401, 403],
      },
    })
    .input(z.void())
    .output(StreamTicket)
    .mutation(({ ctx }) => issueStreamTicket(ctx.db, { actor: ctx.actor, publicUrl: ctx.config.publicUrl })),
});
