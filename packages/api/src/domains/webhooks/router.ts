import type { RequestContext } from '../../context';
import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import {
  CreateEndpointInput,
  DeletedEndpoint,
  DeliveryIdInput,
  EndpointIdInput,
  ListEndpointDeliveriesInput,
  ListEndpointsInput,
  ListEventDeliveriesInput,
  TestEventSent,
  UpdateEndpointInput,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointPage,
  WebhookEndpointWithSecret,
} from './schemas';
import {
  redeliver,
  getDelivery,
  listEndpointDeliveries,
  listEventDeliveries,
  sendTestEvent,
} from './service/deliveries';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from './service/endpoints';
import type { WebhookSettings } from './service/settings';

const tags = ['webhooks'];

function settingsOf(ctx: RequestContext): WebhookSettings {
  return { encryptionKey: ctx.encryptionKey, allowPrivateUrls: ctx.config.webhooks.allowPrivateUrls };
}

/** Literal paths before templated ones: REST routes match in declaration order. */
export const webhooksRouter = router({
  createEndpoint: permittedProcedure('events', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhook-endpoints',
        tags,
        summary: 'Create a webhook endpoint',
        description:
          'Returns the `whsec_…` signing secret once: store it. Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).',
        errorResponses: [400, 401, 403],
      },
    })
    .input(CreateEndpointInput)
    .output(WebhookEndpointWithSecret)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          createEndpoint(trx, { actor: ctx.actor, scope: ctx.scope, input, settings: settingsOf(ctx) }),
        ),
    ),

  listEndpoints: permittedProcedure('events', 'read')
    .meta({
      openapi: { method: 'GET', path: '/api/webhook-endpoints', tags, summary: 'List webhook endpoints' },
    })
    .input(ListEndpointsInput)
    .output(WebhookEndpointPage)
    .query(({ ctx, input }) => listEndpoints(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  getEndpoint: permittedProcedure('events', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/webhook-endpoints/{id}',
        tags,
        summary: 'A webhook endpoint (never its secret)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(EndpointIdInput)
    .output(WebhookEndpoint)
    .query(({ ctx, input }) => getEndpoint(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  updateEndpoint: permittedProcedure('events', 'update')
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/webhook-endpoints/{id}',
        tags,
        summary: 'Change, pause or re-enable a webhook endpoint',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(UpdateEndpointInput)
    .output(WebhookEndpoint)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) =>
          updateEndpoint(trx, { actor: ctx.actor, scope: ctx.scope, input, settings: settingsOf(ctx) }),
        ),
    ),

  deleteEndpoint: permittedProcedure('events', 'delete')
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/api/webhook-endpoints/{id}',
        tags,
        summary: 'Delete a webhook endpoint and its delivery history',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(EndpointIdInput)
    .output(DeletedEndpoint)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => deleteEndpoint(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),

  rotateSecret: permittedProcedure('events', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhook-endpoints/{id}/rotate-secret',
        tags,
        summary: "Rotate an endpoint's signing secret",
        description:
          'Returns the new secret once. The previous secret keeps signing beside it for 24 hours, so both verify during the switch.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(EndpointIdInput)
    .output(WebhookEndpointWithSecret)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        rotateEndpointSecret(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          id: input.id,
          settings: settingsOf(ctx),
        }),
      ),
    ),

  sendTestEvent: permittedProcedure('events', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhook-endpoints/{id}/test',
        tags,
        summary: 'Send a webhook.test event to this endpoint',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(EndpointIdInput)
    .output(TestEventSent)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => sendTestEvent(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),

  listEndpointDeliveries: permittedProcedure('events', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/webhook-endpoints/{id}/deliveries',
        tags,
        summary: "An endpoint's deliveries, oldest first",
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ListEndpointDeliveriesInput)
    .output(WebhookDeliveryPage)
    .query(({ ctx, input }) => listEndpointDeliveries(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  listEventDeliveries: permittedProcedure('events', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/events/{eventId}/deliveries',
        tags,
        summary: "An event's deliveries to your endpoints",
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(ListEventDeliveriesInput)
    .output(WebhookDeliveryPage)
    .query(({ ctx, input }) => listEventDeliveries(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  getDelivery: permittedProcedure('events', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/webhook-deliveries/{id}',
        tags,
        summary: 'A delivery with every attempt',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(DeliveryIdInput)
    .output(WebhookDeliveryDetail)
    .query(({ ctx, input }) => getDelivery(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  redeliver: permittedProcedure('events', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/webhook-deliveries/{id}/redeliver',
        tags,
        summary: 'Attempt a delivery again now',
        description: 'Same `webhook-id` (the event id) as before, so receivers that dedupe see a repeat.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(DeliveryIdInput)
    .output(WebhookDelivery)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => redeliver(trx, { actor: ctx.actor, scope: ctx.scope, id: input.id })),
    ),
});
