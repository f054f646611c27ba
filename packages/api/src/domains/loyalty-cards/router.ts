import { router } from '../../trpc/init';
import { consumerProcedure, permittedProcedure } from '../../trpc/procedures';
import {
  AddLoyaltyCardInput,
  CardIdInput,
  IssueBatchResult,
  IssuedLoyaltyCard,
  IssuedLoyaltyCardPage,
  IssueLoyaltyCardInput,
  IssueLoyaltyCardsInput,
  IssueResult,
  ListIssuedCardsInput,
  ListLoyaltyCardsInput,
  LoyaltyCard,
  LoyaltyCardDetail,
  LoyaltyCardPage,
  RemovedLoyaltyCard,
  RevokeLoyaltyCardInput,
  UpdateLoyaltyCardInput,
} from './schemas';
import {
  addWalletCard,
  getWalletCard,
  issueLoyaltyCards,
  listIssuedCards,
  listWalletCards,
  removeWalletCard,
  revokeIssuedCard,
  updateWalletCard,
} from './service';

const tags = ['loyalty-cards'];

/** The signed-in consumer's loyalty cards: every query is scoped to the address on their token. */
export const walletLoyaltyCardsRouter = router({
  list: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/wallet/loyalty-cards',
        tags,
        summary: 'My loyalty cards',
        description:
          'The cards I saved and those merchants issued to my address (revoked ones show as `revoked`), newest first.',
        errorResponses: [400, 401],
      },
    })
    .input(ListLoyaltyCardsInput)
    .output(LoyaltyCardPage)
    .query(({ ctx, input }) => listWalletCards(ctx.db, { holder: ctx.consumer.email, page: input })),

  add: consumerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/wallet/loyalty-cards',
        tags,
        summary: 'Keep a store’s loyalty card in my wallet',
        description:
          'The store is an IPAY merchant (`merchantId`) or any store by name (`storeName`). The number is normalised and checked against the barcode format (an EAN-13 check digit, Code 39’s alphabet). The same store and number is one card: adding it again returns the card already there.',
        errorResponses: [400, 401, 409, 422],
      },
    })
    .input(AddLoyaltyCardInput)
    .output(LoyaltyCard)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => addWalletCard(trx, { holder: ctx.consumer.email, input })),
    ),

  get: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/wallet/loyalty-cards/{id}',
        tags,
        summary: 'One of my loyalty cards, with its Google Wallet link',
        description:
          '`googleWallet.saveUrl` is an “Add to Google Wallet” link for an active card IPAY issued, when the platform has a Google Wallet issuer configured; otherwise null, with the reason.',
        errorResponses: [400, 401, 404],
      },
    })
    .input(CardIdInput)
    .output(LoyaltyCardDetail)
    .query(({ ctx, input }) =>
      getWalletCard(ctx.db, {
        holder: ctx.consumer.email,
        id: input.id,
        googleWallet: ctx.config.googleWallet,
      }),
    ),

  update: consumerProcedure
    .meta({
      openapi: {
        method: 'PATCH',
        path: '/api/wallet/loyalty-cards/{id}',
        tags,
        summary: 'Rename a loyalty card or correct its number',
        description:
          'A new `label` (null removes it) and, for a card I saved, a corrected `cardNumber` checked against its barcode format.',
        errorResponses: [400, 401, 404, 409, 422],
      },
    })
    .input(UpdateLoyaltyCardInput)
    .output(LoyaltyCard)
    .mutation(({ ctx, input }) =>
      ctx.db.transaction().execute((trx) => updateWalletCard(trx, { holder: ctx.consumer.email, input })),
    ),

  remove: consumerProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/api/wallet/loyalty-cards/{id}',
        tags,
        summary: 'Remove a loyalty card from my wallet',
        description:
          'A card I saved is deleted; a card a merchant issued is hidden from my wallet (the merchant keeps its record). Adding the same card again brings it back.',
        errorResponses: [400, 401, 404],
      },
    })
    .input(CardIdInput)
    .output(RemovedLoyaltyCard)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => removeWalletCard(trx, { holder: ctx.consumer.email, id: input.id })),
    ),
});

/** What a merchant does with the IPAY loyalty cards it issues. */
export const loyaltyCardsRouter = router({
  issue: permittedProcedure('loyalty_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/loyalty-cards',
        tags,
        summary: 'Issue a loyalty card to a customer’s address',
        description:
          'IPAY generates the number (16 digits, Luhn check digit, Code 128). The card appears in the consumer’s wallet when they sign in with that address. An address that already holds an active card of this merchant gets it back with `created: false`. Honours `Idempotency-Key`.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(IssueLoyaltyCardInput)
    .output(IssueResult)
    .mutation(async ({ ctx, input }) => {
      const [result] = await ctx.db
        .transaction()
        .execute((trx) => issueLoyaltyCards(trx, { actor: ctx.actor, cards: [input] }));
      if (!result) throw new Error('issuing one card returned none');
      return result;
    }),

  issueBatch: permittedProcedure('loyalty_cards', 'create')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/loyalty-cards/batch',
        tags,
        summary: 'Issue loyalty cards to up to 100 addresses',
        description:
          'All or nothing, in one transaction; one result per requested card in the order given. Addresses holding an active card of this merchant get it back with `created: false`, so a retried batch issues nothing twice. Honours `Idempotency-Key`.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(IssueLoyaltyCardsInput)
    .output(IssueBatchResult)
    .mutation(async ({ ctx, input }) => ({
      items: await ctx.db
        .transaction()
        .execute((trx) => issueLoyaltyCards(trx, { actor: ctx.actor, cards: input.cards })),
    })),

  list: permittedProcedure('loyalty_cards', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/loyalty-cards',
        tags,
        summary: 'The loyalty cards my organization issued',
        description: 'Newest first; filter by `state` or by holder `email`.',
        errorResponses: [400, 401, 403],
      },
    })
    .input(ListIssuedCardsInput)
    .output(IssuedLoyaltyCardPage)
    .query(({ ctx, input }) => listIssuedCards(ctx.db, { actor: ctx.actor, scope: ctx.scope, input })),

  revoke: permittedProcedure('loyalty_cards', 'update')
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/loyalty-cards/{id}/revoke',
        tags,
        summary: 'Revoke an issued loyalty card',
        description:
          'The holder then sees it as `revoked` and gets no Google Wallet link for it; `loyalty_card.revoked` is recorded. Revoking it again returns it unchanged.',
        errorResponses: [400, 401, 403, 404],
      },
    })
    .input(RevokeLoyaltyCardInput)
    .output(IssuedLoyaltyCard)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => revokeIssuedCard(trx, { actor: ctx.actor, scope: ctx.scope, input })),
    ),
});
