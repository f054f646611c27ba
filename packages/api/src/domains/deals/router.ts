import { router } from '../../trpc/init';
import { consumerProcedure, permittedProcedure } from '../../trpc/procedures';
import {
  CreateDealInput,
  Deal,
  DealIdInput,
  DealPage,
  FeedInput,
  FeedPage,
  ListDealsInput,
  ScheduleDealInput,
  TargetDealInput,
  UpdateDealInput,
} from './schemas';
import { listDealsFeed } from './service/feed';
import {
  createDeal,
  getDeal,
  listDeals,
  retireDeal,
  scheduleDeal,
  targetDeal,
  updateDeal,
} from './service/manage';

const tags = ['deals'];

// Literal paths (/api/deals/feed) before templated ones (/api/deals/{id}): REST routes match in order.
export const dealsRouter = router({
  feed: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/deals/feed',
        tags,
        summary: 'My deals: live deals for me, ordered by my own history',
        description:
          'Only live deals (started, not ended, not retired) targeted to me. Deals of merchants I bought from come first (the merchant of my latest paid order first, then more paid orders), then deals targeted to my orders’ countries or my merchants, then deals for everyone; within each, ending soonest first, then by id. `placement` says which. Cursor-paginated.',
        errorResponses: [400, 401],
      },
    })
    .input(FeedInput)
    .output(FeedPage)
    .query(({ ctx, input }) =>
      listDealsFeed(ctx.db, { consumer: ctx.consumer, page: input, now: new Date() }),
    ),

  list: permittedProcedure('deals', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/deals',
        tags,
        summary: 'Deals I manage',
        description:
          'A merchant’s own deals; every deal (merchants’ and platform deals) for operators. Newest first, cursor-paginated, optionally by status.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListDealsInput)
    .output(DealPage)
    .query(({ ctx, input }) =>
      listDeals(ctx.db, { actor: ctx.actor, scope: ctx.scope, input, now: new Date() }),
    ),

  create: permittedProcedure('deals', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/deals',
        tags,
        summary: 'Publish a deal',
        description:
          'A merchant publishes its own deal; an operator publishes a platform deal, which may also target merchants (shown only to consumers who bought from one of them). It is live from `starts_at` to `ends_at`. Honours `Idempotency-Key`.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateDealInput)
    .output(Deal)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => createDeal(trx, { actor: ctx.actor, scope: ctx.scope, input, now: new Date() })),
    ),

  get: permittedProcedure('deals', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/deals/{id}',
        tags,
        summary: 'A deal I manage',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(DealIdInput)
    .output(Deal)
    .query(({ ctx, input }) =>
      getDeal(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id, now: new Date() }),
    ),

  update: permittedProcedure('deals', 'update')
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/deals/{id}',
        tags,
        summary: 'Change a deal’s text, image, link or code',
        description: 'The publisher only (operators: platform deals). A retired deal cannot change (409).',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(UpdateDealInput)
    .output(Deal)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => updateDeal(trx, { actor: ctx.actor, scope: ctx.scope, input, now: new Date() })),
    ),

  schedule: permittedProcedure('deals', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/deals/{id}/schedule',
        tags,
        summary: 'Move a deal’s window',
        description:
          'Sets `starts_at` and `ends_at` (after `starts_at`, in the future). Setting the same window again changes nothing.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(ScheduleDealInput)
    .output(Deal)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => scheduleDeal(trx, { actor: ctx.actor, scope: ctx.scope, input, now: new Date() })),
    ),

  target: permittedProcedure('deals', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/deals/{id}/targeting',
        tags,
        summary: 'Replace a deal’s targeting',
        description:
          'Countries (any publisher) and merchants (platform deals only); an absent or empty list means everyone. Replaces the whole targeting.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(TargetDealInput)
    .output(Deal)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => targetDeal(trx, { actor: ctx.actor, scope: ctx.scope, input, now: new Date() })),
    ),

  retire: permittedProcedure('deals', 'delete')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/deals/{id}/retire',
        tags,
        summary: 'Retire a deal',
        description:
          'It leaves every feed at once and can no longer change. Idempotent: retiring a retired deal returns it unchanged. Merchants retire their own deals, operators any deal.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(DealIdInput)
    .output(Deal)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          retireDeal(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id, now: new Date() }),
        ),
    ),
});
