import { defineErrorCodes } from '../../errors/domain-codes';

/** The finance domain's own failure codes: batches, their maker-checker approval and posting to Exact Online. */
export const FINANCE_ERRORS = defineErrorCodes({
  batch_not_pending: {
    kind: 'conflict',
    description: 'Only a pending batch is approved or rejected; this one was decided, posted or superseded.',
  },
  maker_cannot_approve: {
    kind: 'forbidden',
    description: 'Maker-checker: whoever built or last rebuilt a batch cannot approve it.',
  },
  batch_tampered: {
    kind: 'conflict',
    description: 'The stored entries no longer hash to the batch’s content hash: rebuild the day.',
  },
  batch_unbalanced: {
    kind: 'unprocessable',
    description: 'An entry’s lines do not sum to zero; the batch is not built.',
  },
  batch_not_approved: {
    kind: 'conflict',
    description:
      'Only an approved batch (or a failed posting of one) is posted, with an approval bound to its content hash.',
  },
  batch_posting: {
    kind: 'conflict',
    description: 'The day’s batch is being posted to Exact; rebuild once the posting has finished or failed.',
  },
  accounts_unmapped: {
    kind: 'unprocessable',
    description:
      'Lines use account keys with no Exact ledger account; map them with PUT /api/finance/account-mappings/{account_key} and rebuild.',
  },
  exact_not_configured: {
    kind: 'service_unavailable',
    description:
      'Exact Online is not configured: set EXACT_CLIENT_ID, EXACT_CLIENT_SECRET, EXACT_DIVISION and EXACT_REFRESH_TOKEN.',
  },
  exact_token_rejected: {
    kind: 'service_unavailable',
    description:
      'Exact Online refused the stored refresh token: authorize the app again and set a new EXACT_REFRESH_TOKEN.',
  },
  payout_conflict: {
    kind: 'conflict',
    description: 'This PSP payout id was recorded before with other figures.',
  },
});
