import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { ListEmailOutboxInput, OutboxEmailPage } from './schemas';
import { listEmailOutbox } from './service';

const tags = ['notifications'];

export const notificationsRouter = router({
  listEmailOutbox: permittedProcedure('notifications', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/email-outbox',
        tags,
        summary: 'Outbound e-mails and their status (operators)',
        description:
          'Every e-mail the platform queued, oldest first. Without RESEND_API_KEY nothing leaves the platform and this is where e-mails can be read.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListEmailOutboxInput)
    .output(OutboxEmailPage)
    .query(({ ctx, input }) => listEmailOutbox(ctx.db, { scope: ctx.scope, input })),
});
