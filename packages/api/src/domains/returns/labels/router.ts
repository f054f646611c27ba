import { router } from '../../../trpc/init';
import { permittedProcedure } from '../../../trpc/procedures';
import { CreateLabelInput, ReturnLabelOutput } from './schemas';
import { createReturnLabel } from './service';

/** Merchants and operators book the return label of an approved case. */
export const returnLabelsRouter = router({
  create: permittedProcedure('returns', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/labels/create',
        tags: ['returns'],
        summary:
          'Book the return label with Sendcloud and compose the IPAY label (carrier label + QR overlay)',
        description:
          'For an APPROVED return: validates, then announces the return with Sendcloud (v3 returns API), downloads the carrier’s label as PDF and adds the IPAY overlay (QR of the return portal, the warning) beside it; the case moves to LABEL_CREATED. Idempotent: once made, the same label is returned. 422 when Sendcloud refuses the return (the fields named) or the carrier prints only ZPL; 503 without Sendcloud credentials.',
        errorResponses: [400, 401, 403, 404, 409, 422, 503],
      },
    })
    .input(CreateLabelInput)
    .output(ReturnLabelOutput)
    .mutation(({ ctx, input }) =>
      createReturnLabel(
        ctx.db,
        { config: ctx.config, encryptionKey: ctx.encryptionKey },
        { actor: ctx.actor, scope: ctx.scope, input },
      ),
    ),
});
