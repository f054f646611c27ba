import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import {
  CreatePartnerInput,
  ListPartnersInput,
  Partner,
  PartnerIdInput,
  PartnerPage,
  UpdatePartnerInput,
} from './schemas';
import { createPartner, getPartner, listPartners, updatePartner } from './service';

const tags = ['partners'];

/** Operators onboard carrier partners; a partner's own users may read their partner. */
export const partnersRouter = router({
  create: permittedProcedure('organizations', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/admin/partners',
        tags,
        summary: 'Create a carrier partner with its carrier codes and contact (operators)',
        description:
          'Creates the partner organization only; its admin, dispatchers and drivers are invited through the members API.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreatePartnerInput)
    .output(Partner)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => createPartner(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  list: permittedProcedure('organizations', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/partners',
        tags,
        summary: 'Carrier partners by name (operators: all; a partner’s users: their own)',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListPartnersInput)
    .output(PartnerPage)
    .query(({ ctx, input }) => listPartners(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  get: permittedProcedure('organizations', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/partners/{id}',
        tags,
        summary: 'One carrier partner (operators; a partner’s users their own)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(PartnerIdInput)
    .output(Partner)
    .query(({ ctx, input }) => getPartner(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  update: permittedProcedure('organizations', 'update')
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/admin/partners/{id}',
        tags,
        summary: "Change a partner's carrier codes or contact (operators)",
        description:
          'Only the fields sent change; `carrierCodes` replaces the whole list, and what the partner’s drivers and dispatchers reach changes with it at once.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(UpdatePartnerInput)
    .output(Partner)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => updatePartner(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),
});
