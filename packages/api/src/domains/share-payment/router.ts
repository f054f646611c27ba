import { router } from '../../trpc/init';
import { consumerProcedure } from '../../trpc/procedures';
import { SharedPayment, SharePaymentInput } from './schemas';
import { getSharedPayment, shareSessionPayment } from './service/share-link';

const tags = ['share-payment'];

/** The signed-in consumer shares the payment of one of their parcels: only sessions of their own address. */
export const sharePaymentRouter = router({
  share: consumerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/share-payment/{session_id}',
        tags,
        summary: 'Let someone else pay for my parcel',
        description:
          'A short link, `<PUBLIC_URL>/s/<code>` (16 random characters), that opens a page where anyone holding it can pay this session, giving their name if they like. Only for a session of my own parcels (anything else is a 404) that can still be paid (else a 409 saying why). Asking again returns the same link; it works as long as the session can be paid. Limited per consumer and per session (429 with Retry-After).',
        errorResponses: [400, 401, 404, 409, 429],
      },
    })
    .input(SharePaymentInput)
    .output(SharedPayment)
    .mutation(({ ctx, input }) =>
      shareSessionPayment(ctx.db, {
        consumer: ctx.consumer,
        sessionId: input.session_id,
        publicUrl: ctx.config.publicUrl,
        rootKey: ctx.encryptionKey,
      }),
    ),

  get: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/share-payment/{session_id}',
        tags,
        summary: 'My share link of a session, and who paid through it',
        description:
          'The link, whether it still works (`active`, `paid`, `ended`), and once the session is paid through it `paid_by`: the name the payer gave, else "someone you shared the link with".',
        errorResponses: [400, 401, 404],
      },
    })
    .input(SharePaymentInput)
    .output(SharedPayment)
    .query(({ ctx, input }) =>
      getSharedPayment(ctx.db, {
        consumer: ctx.consumer,
        sessionId: input.session_id,
        publicUrl: ctx.config.publicUrl,
        rootKey: ctx.encryptionKey,
      }),
    ),
});
