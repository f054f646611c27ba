import { AppError } from '../../errors/app-error';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import type { DataScope } from '../rbac/catalogue';
import { MerchantFees, MerchantIdInput, Settlement, SettlementInput, UpdateMerchantInput } from './schemas';
import { changeMerchantFee, getMerchantFees } from './service/fee-history';
import { getSettlement } from './service/settlement';

const tags = ['settlement'];

/** A merchant's fee is the operators': a merchant's own scope does not reach it. */
function requireAllScope(scope: DataScope): void {
  if (scope !== 'all') throw new AppError('forbidden', 'Merchant fees are set and read by IPAY operators.');
}

export const settlementRouter = router({
  updateMerchant: permittedProcedure('merchants', 'update')
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/admin/merchants/{id}',
        tags,
        summary: 'Set a merchant’s IPAY fee per order and contract date (operators)',
        description:
          'Appends one change to the merchant’s fee history (who, when, old, new, effective from, reason); a field not sent keeps its value. The fee applies to orders paid from `effective_from` (now when absent, never in the past). Sending the values already in force, without a date, appends nothing.',
        errorResponses: [400, 401, 403, 404, 422],
      },
    })
    .input(UpdateMerchantInput)
    .output(MerchantFees)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return ctx.db.transaction().execute((trx) =>
        changeMerchantFee(trx, {
          input,
          changedBy: ctx.actor.userId,
          platformDefaultFeeMinor: ctx.config.settlement.defaultFeePerOrderMinor,
        }),
      );
    }),

  feeHistory: permittedProcedure('merchants', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/merchants/{id}/fee-history',
        tags,
        summary: 'A merchant’s IPAY fee now and every change to it (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(MerchantIdInput)
    .output(MerchantFees)
    .query(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return getMerchantFees(ctx.db, {
        merchantId: input.id,
        platformDefaultFeeMinor: ctx.config.settlement.defaultFeePerOrderMinor,
      });
    }),

  settlement: permittedProcedure('settlements', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/merchant-portal/ipay/settlement',
        tags,
        summary: 'What IPAY owes a merchant for a period: gross, fees, refunds and returns, net, per day',
        description:
          'Days are calendar days in Europe/Amsterdam, `from` and `to` included (at most 366). Each order is charged the fee in force when it was paid; a day on which the fee changed appears once per fee. The days add up to the totals exactly. Merchants read their own; operators name the merchant with `organization`.',
        errorResponses: [400, 401, 403, 404, 422],
      },
    })
    .input(SettlementInput)
    .output(Settlement)
    .query(({ ctx, input }) =>
      getSettlement(ctx.db, {
        actor: ctx.actor,
        scope: ctx.scope,
        input,
        platformDefaultFeeMinor: ctx.config.settlement.defaultFeePerOrderMinor,
      }),
    ),
});
