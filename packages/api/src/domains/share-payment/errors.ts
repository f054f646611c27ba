import { defineErrorCodes } from '../../errors/domain-codes';

/** The share-payment domain's own failure codes (`code: { kind, description }`), thrown with `domainError`. */
export const SHARE_PAYMENT_ERRORS = defineErrorCodes({
  // Someone else's session or none at all: one answer, so no one learns which sessions exist.
  shared_session_not_found: {
    kind: 'not_found',
    description: 'No payment session of one of my parcels has this id.',
  },
  // GET for my own session before I asked for a link.
  share_link_not_found: {
    kind: 'not_found',
    description: 'The session is mine but has no share link yet; POST to create one.',
  },
  // Paid, expired, cancelled or refunded: nothing left for anyone else to pay.
  session_not_shareable: {
    kind: 'conflict',
    description:
      'The session can no longer be paid (paid, expired, cancelled or refunded), so there is nothing to share; `detail` says which.',
  },
});
