import { z } from 'zod';
import { router } from '../../trpc/init';
import { permittedProcedure, publicProcedure, rateLimitedByIp } from '../../trpc/procedures';
import { unlockOtp } from '../driver/service/otp';
import { refundSession } from '../payments/service/refund';
import { startPayment } from '../payments/service/start-payment';
import {
  ListPaymentSessionsInput,
  ParcelStatusInput,
  PaymentSession,
  PaymentSessionDetail,
  PaymentSessionPage,
  PayTokenInput,
  PublicSession,
  RefundSessionInput,
  SessionIdInput,
  StartedPayment,
  StartPaymentInput,
} from './schemas';
import { updateParcelStatus } from './service/parcel-status';
import { getPublicSession } from './service/public-session';
import { getPaymentSession, listPaymentSessions } from './service/queries';

const tags = ['payment-sessions'];

export const paymentSessionsRouter = router({
  list: permittedProcedure('payment_sessions', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/payment-sessions',
        tags,
        summary: 'List and filter payment sessions, newest first',
      },
    })
    .input(ListPaymentSessionsInput)
    .output(PaymentSessionPage)
    .query(({ ctx, input }) =>
      listPaymentSessions(ctx.db, {
        actor: ctx.actor,
        scope: ctx.scope,
        publicUrl: ctx.config.publicUrl,
        input,
      }),
    ),

  get: permittedProcedure('payment_sessions', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/payment-sessions/{id}',
        tags,
        summary: 'A payment session with its event log',
      },
    })
    .input(SessionIdInput)
    .output(PaymentSessionDetail)
    .query(({ ctx, input }) =>
      getPaymentSession(ctx.db, {
        actor: ctx.actor,
        scope: ctx.scope,
        publicUrl: ctx.config.publicUrl,
        id: input.id,
      }),
    ),

  parcelStatus: permittedProcedure('parcels', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/payment-sessions/{id}/parcel-status',
        tags,
        summary: 'Advance the parcel status',
        description:
          'PICKED_UP → IN_DELIVERY → DELIVERED, or DELIVERY_FAILED (with a reason) and RETURNED_TO_SENDER. Illegal moves are 409.',
        errorResponses: [400, 401, 403, 404, 409],
      },
    })
    .input(ParcelStatusInput)
    .output(PaymentSession)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) =>
        updateParcelStatus(trx, {
          actor: ctx.actor,
          scope: ctx.scope,
          input,
          publicUrl: ctx.config.publicUrl,
        }),
      ),
    ),

  unlockOtp: permittedProcedure('driver_otp', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/payment-sessions/{id}/unlock-otp',
        tags,
        summary: 'Unlock OTP entry after too many wrong codes (operators)',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(SessionIdInput)
    .output(z.object({ unlocked: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await unlockOtp(ctx.db, { actor: ctx.actor, sessionId: input.id });
      return { unlocked: true as const };
    }),

  refund: permittedProcedure('payments', 'approve')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/payment-sessions/{id}/refund',
        tags,
        summary: 'Refund a paid session, or the payments flagged for refund',
        description:
          'Before release, refunds the payment and moves the session to REFUNDED; at any time, refunds every payment flagged needs_refund (double payments, money after expiry, returned parcels) through the PSP that took it.',
        errorResponses: [400, 401, 403, 404, 409, 503],
      },
    })
    .input(RefundSessionInput)
    .output(PaymentSessionDetail)
    .mutation(async ({ ctx, input }) => {
      await refundSession(ctx.db, ctx.config, {
        actor: ctx.actor,
        scope: ctx.scope,
        sessionId: input.id,
        reason: input.reason,
      });
      return getPaymentSession(ctx.db, {
        actor: ctx.actor,
        scope: ctx.scope,
        publicUrl: ctx.config.publicUrl,
        id: input.id,
      });
    }),

  publicSession: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/session/{token}',
        tags,
        protect: false,
        summary: "The consumer's pay page data",
        description:
          'Public, by the token of the pay link (which merchants and operators hold too). Once paid it says where the door code was sent; the code itself (`otp_4`) only to the browser that paid, which the pay page marked with a cookie when it pressed Pay.',
        errorResponses: [400, 404, 429],
      },
    })
    .use(rateLimitedByIp('public-session', 120, 60))
    .input(PayTokenInput)
    .output(PublicSession)
    .query(({ ctx, input }) =>
      getPublicSession(ctx.db, {
        token: input.token,
        rootKey: ctx.encryptionKey,
        config: ctx.config,
        cookieHeader: ctx.headers.cookie,
      }),
    ),

  startPayment: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/session/{token}/start-payment',
        tags,
        protect: false,
        summary: 'Start paying: Stripe Checkout, MultiSafepay, or simulate',
        errorResponses: [400, 404, 409, 429, 503],
      },
    })
    .use(rateLimitedByIp('start-payment', 30, 60))
    .input(StartPaymentInput)
    .output(StartedPayment)
    .mutation(({ ctx, input }) => startPayment(ctx.db, ctx.config, input)),
});
