import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import {
  ConnectInput,
  IntegrationState,
  IntegrationStateList,
  ProviderInput,
  SetupInfo,
  SimulateResult,
  SyncResult,
} from './schemas';
import {
  connectIntegration,
  disconnectIntegration,
  getIntegrationState,
  listIntegrationStates,
  setupInfoOf,
} from './service/connection';
import { simulatePlatformOrder } from './service/simulate';
import { syncIntegrationNow } from './service/sync';

const tags = ['integrations'];
const base = '/api/integrations/{provider}';

export const integrationsRouter = router({
  // Before /api/integrations/{provider}: REST routes match in declaration order.
  status: permittedProcedure('integrations', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/integrations/status',
        tags,
        summary: "Every provider with this merchant's connection state",
      },
    })
    .output(IntegrationStateList)
    .query(async ({ ctx }) => ({ items: await listIntegrationStates(ctx.db, ctx.actor) })),

  get: permittedProcedure('integrations', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: base,
        tags,
        summary: 'One provider and its connection state',
        errorResponses: [401, 403, 404],
      },
    })
    .input(ProviderInput)
    .output(IntegrationState)
    .query(({ ctx, input }) => getIntegrationState(ctx.db, { actor: ctx.actor, provider: input.provider })),

  setupInfo: permittedProcedure('integrations', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: `${base}/setup-info`,
        tags,
        summary: 'Where to find the credentials, which scopes, and their fields',
        errorResponses: [401, 403, 404],
      },
    })
    .input(ProviderInput)
    .output(SetupInfo)
    .query(({ input }) => setupInfoOf(input.provider)),

  connect: permittedProcedure('integrations', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/connect`,
        tags,
        summary:
          'Connect a shop: the credentials are checked with one call to the platform, then stored encrypted',
        errorResponses: [400, 401, 403, 404, 422],
      },
    })
    .input(ConnectInput)
    .output(IntegrationState)
    .mutation(({ ctx, input }) =>
      connectIntegration(ctx.db, {
        actor: ctx.actor,
        provider: input.provider,
        credentials: input.credentials,
        settings: { allowPrivateUrls: ctx.config.webhooks.allowPrivateUrls },
        encryptionKey: ctx.encryptionKey,
      }),
    ),

  disconnect: permittedProcedure('integrations', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/disconnect`,
        tags,
        summary: 'Disconnect and forget the credentials',
        errorResponses: [401, 403, 404],
      },
    })
    .input(ProviderInput)
    .output(IntegrationState)
    .mutation(({ ctx, input }) =>
      disconnectIntegration(ctx.db, { actor: ctx.actor, provider: input.provider }),
    ),

  sync: permittedProcedure('integrations', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/sync`,
        tags,
        summary: 'Pull the latest 50 orders now; known orders are updated, never duplicated',
        errorResponses: [401, 403, 404, 409, 503],
      },
    })
    .input(ProviderInput)
    .output(SyncResult)
    .mutation(({ ctx, input }) =>
      syncIntegrationNow(ctx.db, {
        actor: ctx.actor,
        provider: input.provider,
        settings: { allowPrivateUrls: ctx.config.webhooks.allowPrivateUrls },
        encryptionKey: ctx.encryptionKey,
      }),
    ),

  simulate: permittedProcedure('integrations', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: `${base}/simulate`,
        tags,
        summary:
          "Fire a realistic sample order in the platform's shape through its mapping (no credentials needed)",
        errorResponses: [401, 403, 404],
      },
    })
    .input(ProviderInput)
    .output(SimulateResult)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => simulatePlatformOrder(trx, { actor: ctx.actor, provider: input.provider })),
    ),
});
