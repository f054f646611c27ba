import { defineErrorCodes } from '../../errors/domain-codes';

/** The benefit-cards domain's own failure codes. */
export const BENEFIT_CARD_ERRORS = defineErrorCodes({
  external_transaction_id_conflict: {
    kind: 'conflict',
    description: 'The externalTransactionId already belongs to an order created from a different request.',
  },
  budget_exhausted: {
    kind: 'unprocessable',
    description: "The program's budget does not cover the order; nothing was issued.",
  },
  card_expired: {
    kind: 'conflict',
    description:
      "The card's validity (its product's, from the card's issue) has run out: it cannot be activated.",
  },
  program_archived: {
    kind: 'unprocessable',
    description: 'The program is archived and takes no new orders; nothing was issued.',
  },
});
