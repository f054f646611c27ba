import { AppError } from '../../errors/app-error';
import { domainError } from '../../errors/domain-codes';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '../../platform/idempotency';
import { router } from '../../trpc/init';
import { consumerProcedure, permittedProcedure } from '../../trpc/procedures';
import type { Actor } from '../auth/service';
import { scopeCovers, type DataScope } from '../rbac/catalogue';
import { POINTS_ERRORS } from './errors';
import {
  EarnRuleInput,
  MerchantRulePath,
  MyPoints,
  MyPointsInput,
  PlatformRuleInput,
  PointsRuleView,
  RedeemInput,
  Redemption,
  SetMerchantRuleInput,
} from './schemas';
import { getMyPoints } from './service/balance';
import { redeemPoints } from './service/redeem';
import { getPointsRule, setPointsRule } from './service/rules';

const tags = ['points'];

/** The signed-in merchant's own organization; other organizations have no rule of their own. */
function ownMerchant(actor: Actor): string {
  if (actor.organizationType !== 'merchant') {
    throw domainError(
      POINTS_ERRORS,
      'not_a_merchant',
      'Only a merchant has its own points rule; operators use /api/admin/points/rules.',
    );
  }
  return actor.organizationId;
}

/** Rules of the platform and of any merchant are the operators': a merchant's own scope does not reach them. */
function requireAllScope(scope: DataScope): void {
  if (!scopeCovers(scope, 'all')) {
    throw new AppError(
      'forbidden',
      'Only IPAY operators set the platform’s and other merchants’ points rules.',
    );
  }
}

/** The signed-in consumer's points: every query is scoped to the address on their token. */
export const pointsRouter = router({
  me: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/points/me',
        tags,
        summary: 'My points: balance, next expiry and history',
        description:
          'Available points (unexpired, not spent or reversed), how many of them expire first and when, the redemption rate, and the history (earned, spent, expired, reversed), most recent first, paginated.',
        errorResponses: [400, 401],
      },
    })
    .input(MyPointsInput)
    .output(MyPoints)
    .query(({ ctx, input }) => getMyPoints(ctx.db, { email: ctx.consumer.email, page: input })),

  redeem: consumerProcedure
    .meta({
      idempotencyKey: 'required',
      openapi: {
        method: 'POST',
        path: '/api/points/redeem',
        tags,
        summary: 'Turn points into wallet credit',
        description:
          'Spends `points`, the earliest-expiring first, and credits my wallet at the platform’s rate (GET /api/points/me shows it) from the platform’s promotions account, in one transaction. The Idempotency-Key names the redemption: a retry with the same key and body returns the first one. Too few points is a 422 naming `points`.',
        errorResponses: [400, 401, 409, 422],
      },
    })
    .input(RedeemInput)
    .output(Redemption)
    .mutation(({ ctx, input }) => {
      const idempotencyKey = parseIdempotencyKey(ctx.headers[IDEMPOTENCY_KEY_HEADER]);
      if (!idempotencyKey) {
        throw AppError.validation(
          'Idempotency-Key',
          'is required: a retry must not redeem twice',
          'required',
        );
      }
      return ctx.db.transaction().execute((trx) =>
        redeemPoints(trx, {
          email: ctx.consumer.email,
          consumerId: ctx.consumer.id,
          input,
          idempotencyKey,
        }),
      );
    }),
});

/** A merchant's own earning rule. */
export const pointsMerchantRouter = router({
  rule: permittedProcedure('points_rules', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/points/rule',
        tags,
        summary: 'My organization’s points rule and its history',
        description:
          '`current` is the rule set for this merchant (null when none is); `effective` is what its paid orders earn by: its own rule, else the platform’s.',
        errorResponses: [401, 403],
      },
    })
    .output(PointsRuleView)
    .query(({ ctx }) => getPointsRule(ctx.db, ownMerchant(ctx.actor))),

  setRule: permittedProcedure('points_rules', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/points/rule',
        tags,
        summary: 'Set my organization’s points rule',
        description:
          'Applies to orders paid from now on; points already earned keep their count and expiry. The previous rule stays in the history with its reason.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(EarnRuleInput)
    .output(PointsRuleView)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        setPointsRule(trx, {
          merchantId: ownMerchant(ctx.actor),
          input,
          changedBy: `user:${ctx.actor.userId}`,
        }),
      ),
    ),
});

/** The operators' side: the platform rule (with the redemption rate) and any merchant's. */
export const pointsAdminRouter = router({
  platformRule: permittedProcedure('points_rules', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/points/rule',
        tags,
        summary: 'The platform’s points rule and its history',
        errorResponses: [401, 403],
      },
    })
    .output(PointsRuleView)
    .query(({ ctx }) => {
      requireAllScope(ctx.scope);
      return getPointsRule(ctx.db, null);
    }),

  setPlatformRule: permittedProcedure('points_rules', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/admin/points/rule',
        tags,
        summary: 'Set the platform’s points rule and redemption rate',
        description:
          'Paid orders of merchants without a rule of their own earn by it from now on; redemptions use its rate from now on.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(PlatformRuleInput)
    .output(PointsRuleView)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return ctx.db
        .transaction()
        .execute((trx) =>
          setPointsRule(trx, { merchantId: null, input, changedBy: `user:${ctx.actor.userId}` }),
        );
    }),

  merchantRule: permittedProcedure('points_rules', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/points/rules/{merchantId}',
        tags,
        summary: 'A merchant’s points rule and its history',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(MerchantRulePath)
    .output(PointsRuleView)
    .query(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      return getPointsRule(ctx.db, input.merchantId);
    }),

  setMerchantRule: permittedProcedure('points_rules', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/admin/points/rules/{merchantId}',
        tags,
        summary: 'Set a merchant’s points rule',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SetMerchantRuleInput)
    .output(PointsRuleView)
    .mutation(({ ctx, input }) => {
      requireAllScope(ctx.scope);
      const { merchantId, ...rule } = input;
      return ctx.db
        .transaction()
        .execute((trx) =>
          setPointsRule(trx, { merchantId, input: rule, changedBy: `user:${ctx.actor.userId}` }),
        );
    }),
});
