import { defineErrorCodes } from '../../errors/domain-codes';

/** The points domain's own failure codes, thrown with `domainError`. */
export const POINTS_ERRORS = defineErrorCodes({
  insufficient_points: {
    kind: 'unprocessable',
    description: 'The consumer’s available (unexpired) points are fewer than asked; nothing was redeemed.',
  },
  not_a_merchant: {
    kind: 'forbidden',
    description: 'Only a merchant organization has its own points rule; operators use the admin endpoints.',
  },
});
