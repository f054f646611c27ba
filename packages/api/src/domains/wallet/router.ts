import { AppError } from '../../errors/app-error';
import { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from '../../platform/idempotency';
import { router } from '../../trpc/init';
import { consumerProcedure, permittedProcedure } from '../../trpc/procedures';
import {
  AdminBalanceInput,
  BalanceInput,
  BalanceOutput,
  CreditWalletInput,
  LedgerCheck,
  Transfer,
  TransferInput,
  WalletPayCancelInput,
  WalletPayInput,
  WalletSessionPayment,
} from './schemas';
import { getWalletBalance } from './service/balance';
import { checkLedger } from './service/ledger-check';
import { creditWallet, transferBetweenWallets } from './service/movements';
import { cancelWalletPart, payFromWallet } from './service/session-payments';

const tags = ['wallet'];

/** The key is the transfer's external id, so a request that moves money cannot go without one. */
export function requiredIdempotencyKey(headers: Record<string, string | string[] | undefined>): string {
  const key = parseIdempotencyKey(headers[IDEMPOTENCY_KEY_HEADER]);
  if (!key) {
    throw AppError.validation(
      'Idempotency-Key',
      'is required: a retry must not move money twice',
      'required',
    );
  }
  return key;
}

/** What operators do on the ledger. */
export const walletAdminRouter = router({
  credit: permittedProcedure('wallet_ledger', 'create')
    .meta({
      idempotencyKey: 'required',
      openapi: {
        method: 'POST',
        path: '/api/admin/wallet/credits',
        tags,
        summary: 'Credit a consumer’s wallet (goodwill)',
        description:
          'Moves `amountMinor` from the platform’s `promotions` account into the wallet of `email` (opened if the address has none yet), with the reason on the transfer. The Idempotency-Key is the transfer’s external id: the same key and body return the first transfer.',
        errorResponses: [400, 401, 403, 409],
      },
    })
    .input(CreditWalletInput)
    .output(Transfer)
    .mutation(({ ctx, input }) => {
      const idempotencyKey = requiredIdempotencyKey(ctx.headers);
      return ctx.db.transaction().execute((trx) =>
        creditWallet(trx, {
          input,
          source: 'promotions',
          idempotencyKey,
          createdBy: `user:${ctx.actor.userId}`,
        }),
      );
    }),

  ledgerCheck: permittedProcedure('wallet_ledger', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/wallet/ledger-check',
        tags,
        summary: 'Check that the ledger balances',
        description:
          'Per currency the sum of all account balances (posted and pending) must be zero, and every account’s stored balances must equal the sums of its transfers.',
        errorResponses: [401, 403],
      },
    })
    .output(LedgerCheck)
    .query(({ ctx }) => checkLedger(ctx.db)),

  balance: permittedProcedure('wallet_ledger', 'read')
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/admin/wallet/balance',
        tags,
        summary: 'A consumer wallet’s balances and transfers',
        errorResponses: [400, 401, 403],
      },
    })
    .input(AdminBalanceInput)
    .output(BalanceOutput)
    .query(({ ctx, input }) => getWalletBalance(ctx.db, { email: input.email, page: input })),
});

/** The signed-in consumer's own wallet: every query is scoped to the address on their token. */
export const walletRouter = router({
  balance: consumerProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/wallet/balance',
        tags,
        summary: 'My wallet: balances and recent transfers',
        description:
          'Per currency the available balance (posted less pending holds), what is held, and what is incoming; then the wallet’s transfers, most recent first, paginated.',
        errorResponses: [400, 401],
      },
    })
    .input(BalanceInput)
    .output(BalanceOutput)
    .query(({ ctx, input }) => getWalletBalance(ctx.db, { email: ctx.consumer.email, page: input })),

  transfer: consumerProcedure
    .meta({
      idempotencyKey: 'required',
      openapi: {
        method: 'POST',
        path: '/api/wallet/transfer',
        tags,
        summary: 'Send money to another address',
        description:
          'Moves `amount` (minor units) from my wallet to the wallet of `to`, opened if that address has never signed in (the money waits for it). The Idempotency-Key is the transfer’s external id: a retry with the same key and body returns the first transfer. Insufficient funds and the daily limit are 422s.',
        errorResponses: [400, 401, 409, 422],
      },
    })
    .input(TransferInput)
    .output(Transfer)
    .mutation(({ ctx, input }) => {
      const idempotencyKey = requiredIdempotencyKey(ctx.headers);
      return ctx.db.transaction().execute((trx) =>
        transferBetweenWallets(trx, {
          from: ctx.consumer.email,
          input,
          idempotencyKey,
          createdBy: `consumer:${ctx.consumer.id}`,
        }),
      );
    }),

  pay: consumerProcedure
    .meta({
      idempotencyKey: 'required',
      openapi: {
        method: 'POST',
        path: '/api/wallet/pay/{session_id}',
        tags,
        summary: 'Pay a payment session from my wallet',
        description:
          'Holds `amount` (minor units; by default all that is due) of my wallet for a payment session of one of my orders (another’s is a 404). All of it pays the session at once as a payment with provider `wallet` (`session.paid`, the door code, webhooks, as for a card). Part of it lowers what the pay page’s card payment charges; that hold is posted when the session is paid and voided when it expires or is cancelled. The Idempotency-Key is the hold’s external id: a retry returns the first result and moves nothing. Insufficient funds and more than is due are 422s naming `amount`.',
        errorResponses: [400, 401, 404, 409, 422],
      },
    })
    .input(WalletPayInput)
    .output(WalletSessionPayment)
    .mutation(({ ctx, input }) => {
      const idempotencyKey = requiredIdempotencyKey(ctx.headers);
      return ctx.db
        .transaction()
        .execute((trx) => payFromWallet(trx, { payer: ctx.consumer, input, idempotencyKey }));
    }),

  cancelPay: consumerProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/api/wallet/pay/{session_id}/cancel',
        tags,
        summary: 'Take back the wallet part of a payment session',
        description:
          'While the session still waits for payment: the wallet’s hold is voided and the whole amount is due again on the pay page. Without a wallet part it answers the session as it is (a retry is harmless). A paid session’s wallet part comes back only by a refund.',
        errorResponses: [400, 401, 404, 409],
      },
    })
    .input(WalletPayCancelInput)
    .output(WalletSessionPayment)
    .mutation(({ ctx, input }) =>
      ctx.db
        .transaction()
        .execute((trx) => cancelWalletPart(trx, { payer: ctx.consumer, sessionId: input.session_id })),
    ),
});
