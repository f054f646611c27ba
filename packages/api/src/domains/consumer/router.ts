import { z } from 'zod';
import { router } from '../../trpc/init';
import { consumerProcedure, publicProcedure, rateLimitedByIp } from '../../trpc/procedures';
import {
  Consumer,
  ConsumerParcelPage,
  ConsumerParcelsInput,
  ConsumerSession,
  ConsumerSignedOut,
  MagicLinkRedeemInput,
  MagicLinkRequested,
  MagicLinkRequestInput,
} from './schemas';
import {
  getConsumer,
  listConsumerParcels,
  MAGIC_LINK_REDEEM_LIMIT,
  redeemMagicLink,
  requestMagicLink,
  signOutConsumer,
} from './service';

export const consumerRouter = router({
  requestMagicLink: publicProcedure
    .meta({
      successStatus: 202,
      openapi: {
        method: 'POST',
        path: '/api/consumer/magic-link/request',
        tags: ['consumer'],
        protect: false,
        summary: 'Ask for a sign-in link',
        description:
          'Always the same 202, whatever the address: it gets a single-use link to `<PUBLIC_URL>/consumer/sign-in/<token>` (valid 15 minutes), a page that asks the person to confirm. Limited per address and per client address.',
        errorResponses: [400, 429],
      },
    })
    .input(MagicLinkRequestInput)
    .output(MagicLinkRequested)
    .mutation(({ ctx, input }) =>
      requestMagicLink(ctx.db, { clientIp: ctx.ip, publicUrl: ctx.config.publicUrl, input }),
    ),

  redeemMagicLink: publicProcedure
    .meta({
      idempotent: false,
      openapi: {
        method: 'POST',
        path: '/api/consumer/magic-link/redeem',
        tags: ['consumer'],
        protect: false,
        summary: 'Sign in with the token of a sign-in link',
        description:
          'Uses the link (once) and returns a consumer JWT valid 30 days, for the consumer endpoints only. An unknown, used or expired token is one and the same 400 (`magic_link_invalid`).',
        errorResponses: [400, 429],
      },
    })
    .use(
      rateLimitedByIp(
        MAGIC_LINK_REDEEM_LIMIT.name,
        MAGIC_LINK_REDEEM_LIMIT.perIp,
        MAGIC_LINK_REDEEM_LIMIT.windowSeconds,
      ),
    )
    .input(MagicLinkRedeemInput)
    .output(ConsumerSession)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => redeemMagicLink(trx, { keyring: ctx.keyring, input })),
    ),

  me: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/consumer/me',
        tags: ['consumer'],
        summary: 'The signed-in consumer',
        errorResponses: [401],
      },
    })
    .output(Consumer)
    .query(({ ctx }) => getConsumer(ctx.db, ctx.consumer.id)),

  parcels: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/consumer/parcels',
        tags: ['consumer'],
        summary: "The signed-in consumer's parcels",
        description:
          "Every merchant's orders that carry the consumer's verified address, newest first: pending, paid, in_delivery, delivered, returned or refunded, with the pay link while payment is due. Cancelled orders are left out.",
        errorResponses: [400, 401],
      },
    })
    .input(ConsumerParcelsInput)
    .output(ConsumerParcelPage)
    .query(({ ctx, input }) =>
      listConsumerParcels(ctx.db, {
        consumer: ctx.consumer,
        publicUrl: ctx.config.publicUrl,
        page: input,
        encryptionKey: ctx.encryptionKey,
      }),
    ),

  signOut: consumerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/consumer/sign-out',
        tags: ['consumer'],
        summary: 'Sign out this consumer session',
        description:
          'The token sent is refused from now on, on every process; the consumer stays signed in on other devices.',
        errorResponses: [401],
      },
    })
    .input(z.void())
    .output(ConsumerSignedOut)
    .mutation(({ ctx }) => signOutConsumer(ctx.db, ctx.consumer)),
});
