import { defineErrorCodes } from '../../errors/domain-codes';

/** The wallet domain's own failure codes: moving money on the ledger. */
export const WALLET_ERRORS = defineErrorCodes({
  insufficient_funds: {
    kind: 'unprocessable',
    description:
      'The wallet’s available balance (posted less pending holds) is below the amount; nothing moved.',
  },
  daily_limit_exceeded: {
    kind: 'unprocessable',
    description:
      'The sender’s transfers of this currency today (UTC) plus this one would exceed the daily limit; nothing moved.',
  },
  transfer_to_self: {
    kind: 'unprocessable',
    description: 'The recipient is the sender’s own address.',
  },
  idempotency_key_reused: {
    kind: 'conflict',
    description:
      'The Idempotency-Key already moved money for a different request; the first transfer stands. Send a new key.',
  },
  transfer_not_found: {
    kind: 'not_found',
    description: 'No transfer has this external id.',
  },
  transfer_not_pending: {
    kind: 'conflict',
    description: 'The hold was already posted or voided; its state is in `detail`.',
  },
  amount_exceeds_due: {
    kind: 'unprocessable',
    description: 'The wallet would pay more than the payment session still has due; nothing moved.',
  },
  currency_mismatch: {
    kind: 'unprocessable',
    description: 'The currency asked is not the payment session’s; a wallet pays a session in its currency.',
  },
  wallet_part_held: {
    kind: 'conflict',
    description:
      'The wallet already holds a part of this payment session; take it back (cancel) before paying another amount.',
  },
  account_busy: {
    kind: 'conflict',
    description:
      'The account changed while the transfer was being applied; retry with the same Idempotency-Key.',
  },
});
