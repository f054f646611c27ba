import { router } from '../../trpc/init';
import { permittedProcedure } from '../../trpc/procedures';
import { CreatedPaymentSession } from '../payment-sessions/schemas';
import { createPaymentSession } from '../payment-sessions/service/create-session';
import {
  CancelOrderInput,
  CreateOrderInput,
  ListOrdersInput,
  Order,
  OrderDetail,
  OrderEmails,
  OrderIdInput,
  OrderPage,
  OrderShipment,
  SetShipmentInput,
} from './schemas';
import { cancelOrder, createOrder, listOrders } from './service';
import { getOrderEmails } from './service/order-emails';
import { getOrderDetail, setShipment } from './service/shipment';
import { OrderUpload, OrderUploadIdInput } from './upload/schemas';
import { getOrderUpload } from './upload/service';

const tags = ['orders'];

export const ordersRouter = router({
  list: permittedProcedure('orders', 'read')
    .meta({ openapi: { method: 'GET', path: '/api/orders', tags, summary: 'List orders, newest first' } })
    .input(ListOrdersInput)
    .output(OrderPage)
    .query(({ ctx, input }) => listOrders(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  create: permittedProcedure('orders', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/orders',
        tags,
        summary: 'Create an order',
        description:
          'Totals are computed here. The merchant reference is unique per merchant: sending the same order again returns it; a different order under a used reference is a 409.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreateOrderInput)
    .output(Order)
    // One statement on the pool: the order, its items and its event are their own transaction.
    .mutation(async ({ ctx, input }) => {
      const { order } = await createOrder(ctx.db, { actor: ctx.actor, scope: ctx.scope, input });
      return order;
    }),

  // Before /api/orders/{id}: trpc-to-openapi matches in declaration order.
  upload: permittedProcedure('orders', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/orders/uploads/{id}',
        tags,
        summary: 'An order upload: status, progress and counts',
        description:
          'Poll this while a large upload is imported by its job, or follow order_upload.* on the event stream.',
      },
    })
    .input(OrderUploadIdInput)
    .output(OrderUpload)
    .query(({ ctx, input }) => getOrderUpload(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  get: permittedProcedure('orders', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/orders/{id}',
        tags,
        summary: 'One order with its shipment’s parcels',
      },
    })
    .input(OrderIdInput)
    .output(OrderDetail)
    .query(({ ctx, input }) => getOrderDetail(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  emails: permittedProcedure('orders', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/orders/{id}/emails',
        tags,
        summary: 'The e-mails sent to the order’s consumer, with their delivery (a bounce shows here)',
      },
    })
    .input(OrderIdInput)
    .output(OrderEmails)
    .query(({ ctx, input }) => getOrderEmails(ctx.db, { actor: ctx.actor, scope: ctx.scope, id: input.id })),

  setShipment: permittedProcedure('orders', 'update')
    .meta({
      openapi: {
        method: 'PUT',
        path: '/api/orders/{id}/shipment',
        tags,
        summary:
          'Set or replace the shipment facts: tracking number, ship date, weight and dimensions per piece',
        description:
          'The list replaces what the order had; the same facts again change nothing (`changed: false`). A tracking number is unique per carrier: one already on another order is a 409 naming the piece. Announced as `order.shipment_updated`.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(SetShipmentInput)
    .output(OrderShipment)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => setShipment(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  cancel: permittedProcedure('orders', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/orders/{id}/cancel',
        tags,
        summary: 'Cancel an order that is not paid yet',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(CancelOrderInput)
    .output(Order)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => cancelOrder(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),

  createSession: permittedProcedure('payment_sessions', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/orders/{id}/create-session',
        tags,
        summary: 'Issue the payment reference, pay link and QR',
        description: 'An order with a live session gets that session back (`created: false`).',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(OrderIdInput)
    .output(CreatedPaymentSession)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        createPaymentSession(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          orderId: input.id,
          publicUrl: ctx.config.publicUrl,
          ttlHours: ctx.config.payments.sessionTtlHours,
        }),
      ),
    ),
});
