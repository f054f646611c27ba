import { defineErrorCodes } from '../../errors/domain-codes';

/** The deals domain's own failure codes, thrown with `domainError`. */
export const DEALS_ERRORS = defineErrorCodes({
  // The id names no deal the caller may see (another merchant's deal is not found, not forbidden).
  deal_not_found: { kind: 'not_found', description: 'No deal with this id is visible to you.' },
  // Retired is final: the deal can be read, retired again (a no-op), but not changed.
  deal_retired: {
    kind: 'conflict',
    description: 'The deal is retired; a retired deal cannot be changed or rescheduled.',
  },
  // Operators may retire any deal, but change only platform deals: a merchant's deal is the merchant's.
  not_publisher: {
    kind: 'forbidden',
    description:
      'Only the deal’s publisher may change it; operators change platform deals and retire any deal.',
  },
  // Partners and sponsors publish no deals.
  publisher_required: {
    kind: 'forbidden',
    description: 'Deals are published by merchants (their own) and operators (platform deals).',
  },
});
