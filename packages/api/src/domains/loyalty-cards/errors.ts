import { defineErrorCodes } from '../../errors/domain-codes';

/** The loyalty-cards domain's own failure codes, thrown with `domainError`. */
export const LOYALTY_CARDS_ERRORS = defineErrorCodes({
  card_number_invalid: {
    kind: 'validation_failed',
    description:
      'The card number does not fit its barcode format (an EAN-13 that is not 13 digits or has a wrong check digit, a character Code 39 or Code 128 cannot encode).',
  },
  merchant_unknown: {
    kind: 'unprocessable',
    description: '`merchantId` names no IPAY merchant; give `storeName` for a store outside IPAY.',
  },
  loyalty_card_not_found: {
    kind: 'not_found',
    description: 'No loyalty card with this id in your wallet (or among the cards your organization issued).',
  },
  card_number_taken: {
    kind: 'conflict',
    description: 'Your wallet already holds a card of this store with that number.',
  },
  issued_card_number_fixed: {
    kind: 'unprocessable',
    description: 'An issued card’s number is the merchant’s; only its label can be changed.',
  },
  issuer_not_merchant: {
    kind: 'forbidden',
    description: 'Loyalty cards are issued by merchant users, for their own organization.',
  },
});
