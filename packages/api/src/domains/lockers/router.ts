import { AppError } from '../../errors/app-error';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import type { DataScope } from '../rbac/catalogue';
import {
  CarrierParam,
  CreatedLockerSecret,
  CreateLockerSecretInput,
  LockerSecret,
  LockerSecretList,
  RetireLockerSecretInput,
  RotateLockerSecretInput,
} from './schemas';
import {
  createLockerSecret,
  listLockerSecrets,
  retireLockerSecret,
  rotateLockerSecret,
} from './service/secrets';

const tags = ['lockers'];
const base = '/api/admin/lockers/carriers/{carrier}/secrets';

/** A carrier's secrets let it write locker codes for any of its parcels: IPAY operators alone manage them. */
function assertOperator(scope: DataScope): void {
  if (scope !== 'all')
    throw new AppError('forbidden', 'Locker carrier secrets are managed by IPAY operators.');
}

export const lockersAdminRouter = router({
  listSecrets: permittedProcedure('lockers', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: base,
        tags,
        summary: "A locker carrier's signing secrets (never their values)",
        errorResponses: [400, 401, 403],
      },
    })
    .input(CarrierParam)
    .output(LockerSecretList)
    .query(async ({ ctx, input }) => {
      assertOperator(ctx.scope);
      return { items: await listLockerSecrets(ctx.db, input.carrier) };
    }),

  createSecret: permittedProcedure('lockers', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: base,
        tags,
        summary: 'A new signing secret for a locker carrier, shown once',
        description:
          'The carrier signs its calls to POST /api/lockers/{carrier}/issue-code with it. Stored encrypted; the value is in this answer only. At most two secrets are active per carrier (409 otherwise: rotate or retire).',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateLockerSecretInput)
    .output(CreatedLockerSecret)
    .mutation(({ ctx, input }) => {
      assertOperator(ctx.scope);
      return ctx.db.transaction().execute((trx) =>
        createLockerSecret(trx, {
          carrier: input.carrier,
          createdBy: ctx.actor.userId,
          encryptionKey: ctx.encryptionKey,
        }),
      );
    }),

  rotateSecret: permittedProcedure('lockers', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/rotate`,
        tags,
        summary:
          "Rotate a locker carrier's secret: the new one is shown once, the old one verifies until a set time",
        description:
          'The new secret verifies at once; the newest secret active before keeps verifying until `previous_valid_until` (default 24 hours), older ones stop now, so two at most are ever active.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(RotateLockerSecretInput)
    .output(CreatedLockerSecret)
    .mutation(({ ctx, input }) => {
      assertOperator(ctx.scope);
      return ctx.db.transaction().execute((trx) =>
        rotateLockerSecret(trx, {
          carrier: input.carrier,
          createdBy: ctx.actor.userId,
          encryptionKey: ctx.encryptionKey,
          previousValidUntil: input.previous_valid_until,
        }),
      );
    }),

  retireSecret: permittedProcedure('lockers', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/{id}/retire`,
        tags,
        summary: 'Stop a locker carrier secret verifying now',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(RetireLockerSecretInput)
    .output(LockerSecret)
    .mutation(({ ctx, input }) => {
      assertOperator(ctx.scope);
      return ctx.db.transaction().execute((trx) => retireLockerSecret(trx, input));
    }),
});
