import { AppError } from '../../errors/app-error';
import { consumerForToken } from '../consumer/service';
import { router } from '../../trpc/init';
import { permittedProcedure, publicProcedure, rateLimitedByIp } from '../../trpc/procedures';
import {
  ListReturnsInput,
  MerchantIdInput,
  OpenedReturnOutput,
  OpenReturnInput,
  PortalReturnOutput,
  RejectReturnInput,
  ReturnCaseOutput,
  ReturnIdInput,
  ReturnPage,
  ReturnSettingsOutput,
  ReturnTokenInput,
  SetReturnSettingsInput,
} from './schemas';
import {
  cancelReturnByToken,
  confirmReturnReceived,
  decideReturn,
  getReturn,
  listReturns,
  settingsMerchant,
} from './service/manage';
import { openReturn } from './service/open';
import { getReturnSettings, setReturnSettings } from './service/settings';
import { portalView } from './service/view';

const tags = ['returns'];

export const returnsRouter = router({
  open: publicProcedure
    .use(rateLimitedByIp('returns-open', 30, 3600))
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/returns/open',
        tags,
        summary: 'Open a return (consumer)',
        description:
          'By the pay token of a paid or delivered session, or with a consumer token (magic link) and the `sessionId` of one of my parcels: the order lines and quantities going back, a reason per item, and the refund method. Within the merchant’s return window after delivery; never more of a line than is left after open cases. Returns the case with its portal link (shown once). Honours `Idempotency-Key`.',
        errorResponses: [400, 401, 404, 409, 429],
      },
    })
    .input(OpenReturnInput)
    .output(OpenedReturnOutput)
    .mutation(async ({ ctx, input }) => {
      const { credentials } = ctx;
      if (credentials.kind === 'invalid') throw credentials.error;
      if (credentials.kind === 'valid') {
        throw new AppError('forbidden', 'A return is opened by the consumer: send a consumer token or none.');
      }
      const consumer =
        credentials.kind === 'consumer' ? await consumerForToken(ctx.db, credentials.claims) : null;
      return ctx.db.transaction().execute((trx) =>
        openReturn(trx, {
          input,
          consumer,
          publicUrl: ctx.config.publicUrl,
          rootKey: ctx.encryptionKey,
        }),
      );
    }),

  list: permittedProcedure('returns', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/returns',
        tags,
        summary: 'List return cases',
        description: 'Newest first, keyset-paginated; a merchant sees its own cases, operators all.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListReturnsInput)
    .output(ReturnPage)
    .query(({ ctx, input }) => listReturns(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  settings: permittedProcedure('returns', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/returns/settings',
        tags,
        summary: 'A merchant’s return settings',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(MerchantIdInput)
    .output(ReturnSettingsOutput)
    .query(async ({ ctx, input }) => {
      const merchantId = await settingsMerchant(ctx.db, { ...input, actor: ctx.actor, scope: ctx.scope });
      return getReturnSettings(ctx.db, merchantId);
    }),

  setSettings: permittedProcedure('returns', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/returns/settings',
        tags,
        summary: 'Change a merchant’s return settings',
        description:
          'Only the fields given change. New settings apply to cases opened (window, approval, expiry) or refunded (trigger, shipping, bonus) from now on.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SetReturnSettingsInput)
    .output(ReturnSettingsOutput)
    .mutation(async ({ ctx, input }) => {
      const { merchantId: named, ...changes } = input;
      const merchantId = await settingsMerchant(ctx.db, {
        merchantId: named,
        actor: ctx.actor,
        scope: ctx.scope,
      });
      return setReturnSettings(ctx.db, { merchantId, input: changes, userId: ctx.actor.userId });
    }),

  get: permittedProcedure('returns', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/returns/cases/{id}',
        tags,
        summary: 'A return case',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ReturnIdInput)
    .output(ReturnCaseOutput)
    .query(({ ctx, input }) => getReturn(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  approve: permittedProcedure('returns', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/returns/cases/{id}/approve',
        tags,
        summary: 'Approve an opened return',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(ReturnIdInput)
    .output(ReturnCaseOutput)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          decideReturn(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id, decision: 'APPROVED' }),
        ),
    ),

  reject: permittedProcedure('returns', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/returns/cases/{id}/reject',
        tags,
        summary: 'Reject an opened return, with the reason the consumer sees',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(RejectReturnInput)
    .output(ReturnCaseOutput)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        decideReturn(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          id: input.id,
          decision: 'REJECTED',
          reason: input.reason,
        }),
      ),
    ),

  confirmReceived: permittedProcedure('returns', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/returns/cases/{id}/confirm-received',
        tags,
        summary: 'Confirm the returned parcel arrived (starts the refund)',
        description:
          'Moves the case to RECEIVED if the carrier has not, and starts its one refund whatever the refund trigger. Again, or after the refund, it changes nothing.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(ReturnIdInput)
    .output(ReturnCaseOutput)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => confirmReturnReceived(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),

  portal: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/returns/{token}',
        tags,
        summary: 'The return portal (by its token)',
        description:
          'The case, its items and state, the label link once it is made, and what the consumer does next. The token is the credential: no sign-in.',
        errorResponses: [400, 404],
      },
    })
    .input(ReturnTokenInput)
    .output(PortalReturnOutput)
    .query(({ ctx, input }) => portalView(ctx.db, { token: input.token, publicUrl: ctx.config.publicUrl })),

  cancel: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/returns/{token}/cancel',
        tags,
        summary: 'Cancel my return (while it is opened or approved)',
        errorResponses: [400, 404, 409],
      },
    })
    .input(ReturnTokenInput)
    .output(PortalReturnOutput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.transaction().execute((trx) => cancelReturnByToken(trx, input.token));
      return portalView(ctx.db, { token: input.token, publicUrl: ctx.config.publicUrl });
    }),
});
